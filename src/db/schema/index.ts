// The database as Kysely sees it: every table by area, and the row types the code passes around.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type {
  CustomersTable,
  CardsTable,
  StatementsTable,
  TransactionsTable,
  SuppressionsTable,
  ActivationAttemptsTable,
  StopConfirmationsTable,
  ImportRunsTable,
} from './accounts';
import type {
  InboundMessagesTable,
  OutboundMessagesTable,
  OutboundPartsTable,
  DeliveryReportsTable,
  RouteBlocksTable,
  InboundPartsTable,
  InboundSetsDoneTable,
  InboundKeysTable,
  OutboundKeysTable,
} from './messages';
import type { EventsTable, StaffTable, RegistrationsTable, CasesTable, CaseNotesTable, TransactionChecksTable, AuditLogTable } from './service';
import type { JobLeasesTable, JobRunsTable } from './jobs';
import type { ConsoleSessionsTable } from './console';
import type { PendingConfirmationsTable, CardRequestsTable, TravelNoticesTable, ApplicationsTable, RewardsTable, InfoKeywordsTable } from './services';
import type { CampaignsTable, CampaignRunsTable, CampaignRecipientsTable, CampaignRunSlicesTable } from './campaigns';

export type * from './accounts';
export type * from './messages';
export type * from './service';
export type * from './jobs';
export type * from './console';
export type * from './services';
export type * from './campaigns';

/** The whole database, for Kysely. */
export interface Database {
  customers: CustomersTable;
  cards: CardsTable;
  statements: StatementsTable;
  transactions: TransactionsTable;
  events: EventsTable;
  staff: StaffTable;
  suppressions: SuppressionsTable;
  stop_confirmations: StopConfirmationsTable;
  inbound_messages: InboundMessagesTable;
  outbound_messages: OutboundMessagesTable;
  outbound_parts: OutboundPartsTable;
  delivery_reports: DeliveryReportsTable;
  activation_attempts: ActivationAttemptsTable;
  audit_log: AuditLogTable;
  registrations: RegistrationsTable;
  cases: CasesTable;
  case_notes: CaseNotesTable;
  job_leases: JobLeasesTable;
  job_runs: JobRunsTable;
  transaction_checks: TransactionChecksTable;
  route_blocks: RouteBlocksTable;
  inbound_parts: InboundPartsTable;
  inbound_sets_done: InboundSetsDoneTable;
  inbound_keys: InboundKeysTable;
  outbound_keys: OutboundKeysTable;
  import_runs: ImportRunsTable;
  console_sessions: ConsoleSessionsTable;
  pending_confirmations: PendingConfirmationsTable;
  card_requests: CardRequestsTable;
  travel_notices: TravelNoticesTable;
  applications: ApplicationsTable;
  rewards: RewardsTable;
  info_keywords: InfoKeywordsTable;
  campaigns: CampaignsTable;
  campaign_runs: CampaignRunsTable;
  campaign_recipients: CampaignRecipientsTable;
  campaign_run_slices: CampaignRunSlicesTable;
}

/** A database handle or an open transaction: repositories accept either. */
export type Db = Kysely<Database> | Transaction<Database>;

/** A customer row. */
export type Customer = Selectable<CustomersTable>;

/** A card row. */
export type Card = Selectable<CardsTable>;

/** A staff row. */
export type Staff = Selectable<StaffTable>;

/** An inbound message row. */
export type InboundMessage = Selectable<InboundMessagesTable>;

/** An event row. */
export type EventRow = Selectable<EventsTable>;

/** A registration row. */
export type Registration = Selectable<RegistrationsTable>;

/** A case row. */
export type CaseRow = Selectable<CasesTable>;

/** An outbound message row. */
export type OutboundMessage = Selectable<OutboundMessagesTable>;

/** A campaign row. */
export type Campaign = Selectable<CampaignsTable>;
