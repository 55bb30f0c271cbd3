import type { Locale } from '../../db/schema';

/**
 * The words people put around a keyword, per language: what the loose reading of a text may pass
 * over. The intents themselves (balance, bill, …) are not here: each command declares its own
 * keywords and phrasings (`src/core/commands/*.ts`). Written as people type them; Traditional
 * characters fold to Simplified, full-width to half-width and Latin to upper case when compiled,
 * so a word is listed once per spelling, not once per script. Where two entries overlap, the
 * longest match wins (是不是 before 是, 唔該 before 唔, NOT ME before NOT). See docs/keywords.md.
 */
export interface Phrasebook {
  /** Greetings, thanks and softeners: they change nothing, and an exact keyword may carry them ("LOST please", "唔該掛失"). */
  polite: readonly string[];
  /** Words that make a text a question; a question never acts ("LOST?", "挂失吗" are asked back, not done). */
  question: readonly string[];
  /** Verbs, pronouns and nouns around an intent ("check my … please", "我想查一下…"): passed over when reading loosely. */
  around: readonly string[];
  /** Negations: a negated query is not answered, a negated action is asked about ("不要挂失", "don't freeze"). */
  negation: readonly string[];
}

/** The phrasebook of each language. Latin pinyin and English may appear in any of them. */
// prettier-ignore
export const PHRASEBOOKS: Readonly<Record<Locale, Phrasebook>> = {
  en: {
    polite: [
      'PLEASE', 'PLS', 'PLZ', 'KINDLY', 'THANKS', 'THANK YOU', 'THANKYOU', 'THX', 'TY', 'CHEERS', 'HI', 'HELLO', 'HEY', 'DEAR', 'GOOD MORNING',
      'GOOD AFTERNOON', 'GOOD EVENING', 'OK', 'OKAY', 'SIR', 'MADAM', 'SORRY', 'ASAP',
    ],
    question: [
      'WHAT', 'WHATS', 'WHATRE', 'HOW', 'HOW MUCH', 'HOW MANY', 'WHY', 'WHEN', 'WHERE', 'WHICH', 'CAN', 'COULD', 'WOULD', 'IS', 'ARE', 'DO', 'DOES',
      'DID', 'MAY', 'SHOULD', 'WILL', 'HAVE I', 'HAS', 'WHERES', 'HOWS',
    ],
    around: [
      'I', 'IM', 'ID', 'ME', 'MY', 'MINE', 'YOU', 'U', 'YOUR', 'UR', 'IT', 'ITS', 'THE', 'A', 'AN', 'THIS', 'THAT', 'OUR', 'OF', 'ON', 'FOR', 'TO',
      'IN', 'AT', 'AND', 'OR', 'WITH', 'ABOUT', 'BE', 'AM', 'WAS', 'HAVE', 'GOT', 'SO', 'JUST', 'ALSO', 'NOW', 'TODAY', 'AGAIN', 'CHECK', 'SHOW',
      'SEE', 'VIEW', 'GET', 'SEND', 'TELL', 'KNOW', 'WANT', 'NEED', 'LIKE', 'LOOK', 'LOOK UP', 'FIND', 'GIVE', 'REQUEST', 'QUERY', 'ENQUIRY',
      'INQUIRY', 'REPORT', 'CARD', 'CARDS', 'CREDIT', 'CREDIT CARD', 'ACCOUNT', 'CURRENT', 'LATEST', 'LAST', 'THIS MONTH', 'MONTH', 'MONTHLY',
      'ENDING', 'ENDING IN', 'ENDS IN', 'NUMBER', 'TOTAL', 'AMOUNT', 'REMAINING', 'LEFT', 'OUTSTANDING', 'DETAILS', 'ALL', 'STILL', 'TEXT', 'SMS',
      'MESSAGE',
    ],
    negation: ['NOT', 'DONT', 'DO NOT', 'NEVER', 'NO NEED', 'DOESNT', 'WONT'],
  },
  'zh-CN': {
    polite: [
      '请', '请你', '请您', '谢谢', '谢谢你', '谢谢您', '谢了', '多谢', '感谢', '麻烦', '麻烦你', '麻烦您', '你好', '您好', '嗨', '哈喽', '好的', '收到', '啊', '呀', '啦', '哦', '喔', '吧', '嘛',
      '哈', '嗯', '亲', '客服', '不好意思', '劳驾',
    ],
    question: [
      '吗', '么', '呢', '请问', '是否', '是不是', '能不能', '可不可以', '可以', '能否', '能', '怎么', '怎样', '如何', '什么', '多少', '几', '为什么', '有没有', '是多少',
    ],
    around: [
      '我', '我的', '的', '我想', '我要', '想', '要', '帮我', '给我', '查', '查询', '查下', '查一下', '查查', '查看', '看', '看看', '看一下', '看下', '一下', '知道', '想知道', '告诉我', '发',
      '发给我', '信用卡', '卡', '这张卡', '我这张卡', '张', '这个', '本月', '这个月', '本期', '当前', '目前', '现在', '最新', '尾号', '卡号', '末四位', '后四位', '还有', '还剩', '剩下', '了', '在',
      '是', '是我的', '和', '跟', '与', '及', '以及', '有', '账户', '帐户', '一共', '总共', '可用', '下', '再', '你', '您', '你们', '短信', '服务',
    ],
    negation: ['不要', '不用', '不想', '不需要', '别', '勿', '无需', '不必'],
  },
  'zh-HK': {
    polite: ['唔該', '唔該晒', '唔該你', '多謝', '多謝晒', '謝謝', '請', '麻煩', '麻煩你', '你好', '喂', '哈囉', '收到', '吖', '啦', '喇', '囉', '唔好意思', '先'],
    question: ['嗎', '咩', '點', '點樣', '點解', '幾多', '係咪', '係唔係', '可唔可以', '得唔得', '有冇', '邊', '係幾多'],
    around: [
      '我', '我嘅', '我想', '我要', '查', '查詢', '查下', '信用卡', '卡', '賬戶', '帳戶', '嘅', '幫我', '畀我', '俾我', '查吓', '睇', '睇下', '睇吓', '知', '想知', '張卡', '呢張卡', '我張卡',
      '今個月', '而家', '最新', '尾號', '仲有', '仲', '係', '同', '同埋', '咗', '戶口', '你哋', '短訊',
    ],
    negation: ['唔要', '唔使', '唔好', '唔想', '唔需要'],
  },
};

/**
 * How much of a text may be left unread around one read-only intent for it still to be answered:
 * a short sentence ("can you tell me my balance for this month") yes, a paragraph (a complaint that
 * mentions the bill) no — that gets the help text and is listed among the texts not understood.
 */
export const MAX_LEFTOVER = { words: 2, han: 3 } as const;

/** Words that may sit inside a multi-word English phrasing: "CANCEL MY CARD" is read as CANCEL CARD. */
export const BETWEEN: readonly string[] = ['MY', 'THE', 'A', 'AN', 'YOUR', 'THIS', 'THAT', 'ME', 'OUR'];

/** Characters only Cantonese writes: a text with one is answered in Traditional Chinese. */
export const CANTONESE = /[唔嘅咩係睇冇佢啲嘢乜咗喺哋嗰噉畀俾嚟]/u;
