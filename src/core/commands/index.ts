import { activate } from './activate';
import { balance } from './balance';
import { bill } from './bill';
import type { Command } from './command';
import { start, stop } from './consent';
import { help } from './help';
import { lang } from './lang';
import { lost } from './lost';
import { points } from './points';

/** Every command; adding a business type is one file, one line here and its templates. */
export const commands: readonly Command<any>[] = [help, balance, bill, activate, points, lost, lang, stop, start];
