export { buildXml, type XmlFields } from './build-xml.js';
export { type ParseXmlOptions, parseXml, type XmlMessage } from './parse-xml.js';
