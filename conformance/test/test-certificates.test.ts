// The suite's per-run CA: every generated certificate parses, chains to its CA and names what it was made for. Many
// rounds, because a DER slip that depends on random bytes (a serial number starting with 0x00) fails only sometimes.
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTestCertificates } from '../lib/target/test-certificates.ts';

describe('test certificates', () => {
  it('are valid DER that chains to the CA, in every one of 300 rounds', () => {
    for (let round = 0; round < 300; round += 1) {
      const generated = createTestCertificates({
        dnsNames: ['cimd.conformance.test'],
        ipAddresses: ['127.0.0.1', '::1'],
      });
      const ca = new X509Certificate(generated.caPem);
      const cert = new X509Certificate(generated.certPem);
      expect(cert.verify(ca.publicKey)).toBe(true);
      expect(ca.ca).toBe(true);
      expect(cert.ca).toBe(false);
      expect(cert.checkHost('cimd.conformance.test')).toBe('cimd.conformance.test');
      expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect(cert.checkHost('other.test')).toBeUndefined();
    }
  });
});
