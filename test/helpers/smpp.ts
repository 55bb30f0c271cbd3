import type { SmBody } from '../../src/transport/smpp/pdu';

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
