import type { SmBody } from '../../src/transport/smpp/pdu';
import { type SmppSettings, SmppTransport } from '../../src/transport/smpp/smpp.transport';
import { SmscSimulator } from '../../src/transport/smpp/simulator';
import { testGateway, type TestGateway } from './gateway';
import { waitFor } from './wait';

/** A submit_sm/deliver_sm body from +8613800138000 to 95555 (UCS-2 "余额", receipt asked), with `over`. */
export const smBody = (over: Partial<SmBody> = {}): SmBody => ({
  service_type: '',
  source_addr_ton: 1,
  source_addr_npi: 1,
  source_addr: '8613800138000',
  dest_addr_ton: 0,
  dest_addr_npi: 1,
  destination_addr: '95555',
  esm_class: 0,
  protocol_id: 0,
  priority_flag: 0,
  schedule_delivery_time: '',
  validity_period: '',
  registered_delivery: 1,
  replace_if_present_flag: 0,
  data_coding: 8,
  sm_default_msg_id: 0,
  short_message: Buffer.from('4f59989d', 'hex'),
  ...over,
});

/** The settings of an ESME bound as `uplink` to an SMSC on loopback `port`, sending from 95555, with `over`. */
export const esmeSettings = (port: number, over: Partial<SmppSettings> = {}): SmppSettings => ({
  host: '127.0.0.1',
  port,
  systemId: 'uplink',
  password: 'pw',
  sender: { addr: '95555' },
  ...over,
});

/** A test gateway bound over SMPP to a simulator of its own; `close` stops both. */
export async function smppGateway(
  esme: Partial<SmppSettings> = {},
): Promise<{ t: TestGateway; smsc: SmscSimulator; smpp: SmppTransport; close(): Promise<void> }> {
  const smsc = new SmscSimulator();
  const smpp = new SmppTransport(esmeSettings(await smsc.start(), { reconnectMs: 50, ...esme }));
  const t = await testGateway({ transports: [smpp] });
  await t.gw.start(0);
  await waitFor('bind', () => smpp.isUp());
  return {
    t,
    smsc,
    smpp,
    async close() {
      await t.close();
      await smsc.stop();
    },
  };
}
