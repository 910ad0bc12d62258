export { buildSignString, type V2Fields } from './build-sign-string.js';
export {
  type AppConfigInput,
  type BridgeConfigInput,
  buildAppConfig,
  buildBridgeConfig,
} from './client-params.js';
export { signFields, signString, verifyFields } from './sign-fields.js';
export { SIGN_TYPES, SIGNATURE_HEX_LENGTH, type SignType } from './sign-type.js';
