/**
 * A throwaway certificate for the emulator's TLS listener on 127.0.0.1, made at bench time so no
 * key is ever committed. Self-signed, so the certificate is also the CA the apps trust.
 */
import { generate } from 'selfsigned';

/** PEM key and certificate; `cert` doubles as the CA. */
export interface BenchCertificate {
  key: string;
  cert: string;
}

/** Generates an EC P-256 certificate for 127.0.0.1, valid for one day. */
export async function makeCertificate(): Promise<BenchCertificate> {
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
