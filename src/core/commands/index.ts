import { activate } from './activate';
import { agentList, agentNo, agentOk } from './agent';
import { no, yes } from './answer';
import { balance } from './balance';
import { bill } from './bill';
import { close } from './close';
import type { Command } from './command';
import { start, stop } from './consent';
import { help } from './help';
import { join } from './join';
import { lang } from './lang';
import { lost } from './lost';
import { points } from './points';
import { withdraw } from './withdraw';

/** Every command; adding a business type is one file, one line here and its templates. */
export const commands: readonly Command[] = [
  help,
  balance,
  bill,
  activate,
  points,
  lost,
  close,
  join,
  withdraw,
  yes,
  no,
  lang,
  stop,
  start,
  agentOk,
  agentNo,
  agentList,
];
