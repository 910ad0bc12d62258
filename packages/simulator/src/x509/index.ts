export {
  type CreateCertificateOptions,
  createCertificate,
  type GeneratedCertificate,
} from './create-certificate.js';
