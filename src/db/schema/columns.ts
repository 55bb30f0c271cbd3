import type { ColumnType } from 'kysely';

/** A timestamp column: read as Date, written as Date or ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp column the database fills in when the insert leaves it out. */
export type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A date-only column (YYYY-MM-DD), kept as a string to avoid time-zone shifts. */
export type DateOnly = ColumnType<string, string, string>;
