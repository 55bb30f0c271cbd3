/** The time source; tests inject a fixed or stepping clock. */
export type Clock = () => Date;

/** The real clock. */
export const systemClock: Clock = () => new Date();
