export {
  type CreateCertificateOptions,
  createCertificate,
  type GeneratedCertificate,
} from './x509/index.js';
