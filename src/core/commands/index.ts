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
import { autopay, due, fee, limit, txns } from './queries';
import { estmt, lock, online, overseas, unlock } from './settings';
import { instal, redeem, replace, temp } from './money';
import { travel } from './travel';
import { address, apply, callback, complaint, survey } from './service';

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
  txns,
  due,
  limit,
  fee,
  autopay,
  apply,
  temp,
  instal,
  redeem,
  estmt,
  lock,
  unlock,
  overseas,
  online,
  travel,
  replace,
  callback,
  complaint,
  address,
  survey,
  agentOk,
  agentNo,
  agentList,
];
