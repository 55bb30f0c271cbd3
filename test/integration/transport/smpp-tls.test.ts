import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SmppTransport } from '../../../src/transport/smpp/smpp.transport';
import { SmscSimulator } from '../../../src/transport/smpp/simulator';
import { testGateway } from '../../helpers/gateway';
import { captureLog } from '../../helpers/log';
import { esmeSettings } from '../../helpers/smpp';
import { waitFor } from '../../helpers/wait';

// smpps:// is TLS: against an SMSC on loopback with a throwaway certificate made here with openssl.

const LI = '+8613800138000';
const dir = mkdtempSync(path.join(os.tmpdir(), 'uplink-tls-'));
const certFile = path.join(dir, 'cert.pem');
let smsc: SmscSimulator;
let port: number;

beforeAll(async () => {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  smsc = new SmscSimulator({ tls: { key: readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: readFileSync(certFile, 'utf8') } });
  port = await smsc.start();
});
afterAll(async () => {
  await smsc.stop();
});

/** An SMPP transport to the TLS simulator, logging to memory. */
function transport(tls: { ca?: string } | undefined) {
  const captured = captureLog('info');
  const smpp = new SmppTransport(esmeSettings(port, { host: 'localhost', reconnectMs: 50, tls, log: captured.log }));
  return { smpp, captured };
}

describe('smpps://', () => {
  it('binds over TLS when SMPP_TLS_CA holds the SMSC certificate, and answers a text both ways', async () => {
    const t = await testGateway({ env: { SMPP_URL: `smpps://localhost:${port}`, SMPP_SOURCE_ADDR: '95555', SMPP_TLS_CA: certFile } });
    try {
      await t.gw.start();
      const smpp = t.gw.transports.get('smpp')!;
      await waitFor('the TLS bind', () => smpp.isUp!());
      expect(await smsc.inject(LI, '95555', 'PTS')).toEqual([0]);
      await waitFor('the reply', async () => {
        while ((await t.gw.dispatcher.runOnce()) > 0);
        return smsc.submits.some((s) => s.to === '8613800138000');
      });
      expect(smsc.submits.find((s) => s.to === '8613800138000')?.text).toMatch(/^截至.+，您的积分为128,450分。$/);
    } finally {
      await t.close();
    }
  });

  it('refuses an SMSC whose certificate it cannot verify (no CA given): never binds, and says why', async () => {
    const { smpp, captured } = transport({});
    await smpp.start({ inbound: async () => {}, inboundPart: async () => {}, report: async () => 'unmatched' });
    try {
      await waitFor('a refused handshake logged', () => captured.text().includes('SMPP: reconnecting'));
      expect(smpp.isUp()).toBe(false);
      expect(captured.text()).toMatch(/self[- ]signed certificate/);
    } finally {
      await smpp.stop();
    }
  });

  it('does not speak plain SMPP to a TLS SMSC (smpp://): the bind never succeeds', async () => {
    const { smpp, captured } = transport(undefined);
    await smpp.start({ inbound: async () => {}, inboundPart: async () => {}, report: async () => 'unmatched' });
    try {
      await waitFor('a failed plain bind', () => captured.text().includes('SMPP: reconnecting'), 15_000);
      expect(smpp.isUp()).toBe(false);
    } finally {
      await smpp.stop();
    }
  });
});
