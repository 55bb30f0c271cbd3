import type { Migration } from 'kysely';
import * as m001 from './001_core';
import * as m002 from './002_delivery';
import * as m003 from './003_agents';
import * as m004 from './004_notices';
import * as m005 from './005_route_blocks';
import * as m006 from './006_inbound_parts';
import * as m007 from './007_pending_by_sender';
import * as m008 from './008_lease_index';
import * as m009 from './009_security';
import * as m010 from './010_unknown_texts';
import * as m011 from './011_account_sync';
import * as m012 from './012_reliability';
import * as m013 from './013_campaigns';
import * as m014 from './014_services';
import * as m015 from './015_console';
import * as m016 from './016_campaign_slices';
import * as m017 from './017_waiting_reports';
import * as m018 from './018_month_partitions';
import * as m019 from './019_card_number_hash';

/** Every migration, by name in the order they apply. A new migration is one file plus one line here. */
export const migrations: Record<string, Migration> = {
  '001_core': m001,
  '002_delivery': m002,
  '003_agents': m003,
  '004_notices': m004,
  '005_route_blocks': m005,
  '006_inbound_parts': m006,
  '007_pending_by_sender': m007,
  '008_lease_index': m008,
  '009_security': m009,
  '010_unknown_texts': m010,
  '011_account_sync': m011,
  '012_reliability': m012,
  '013_campaigns': m013,
  '014_services': m014,
  '015_console': m015,
  '016_campaign_slices': m016,
  '017_waiting_reports': m017,
  '018_month_partitions': m018,
  '019_card_number_hash': m019,
};
