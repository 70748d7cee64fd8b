// general_settings.ca_certs: extra CA certificates upstream TLS trusts (a company proxy that
// inspects TLS re-signs every site with its own CA). Each entry is PEM text or a PEM file's
// path, relative to the config file; read once at start-up, refused when it holds no certificate.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from './config-error.js';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function caCertificates(setting: string | string[] | undefined, configFile: string | null): string[] {
  const entries = setting === undefined ? [] : Array.isArray(setting) ? setting : [setting];
  return entries.map((entry, index) => {
    const at = Array.isArray(setting) ? `general_settings.ca_certs[${index}]` : 'general_settings.ca_certs';
    const text = entry.includes('-----BEGIN') ? entry : readPem(entry, configFile, at);
    const certificates = text.match(PEM_CERTIFICATE);
    if (!certificates) throw new ConfigError(at, 'expected PEM certificates ("-----BEGIN CERTIFICATE-----"), or the path of a file holding them');
    return certificates.join('\n');
  });
}

function readPem(path: string, configFile: string | null, at: string): string {
  const file = resolve(configFile ? dirname(configFile) : process.cwd(), path);
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(at, `cannot read the CA certificate file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
