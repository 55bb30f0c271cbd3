import { defineCommand, noArgs } from './command';

/** HELP / ? / 帮助 (pinyin BZ): the command menu; INFO is a carrier help word. */
export const help = defineCommand({
  name: 'help',
  audience: 'customer',
  aliases: { en: ['HELP', '?', 'INFO', 'MENU'], 'zh-CN': ['帮助', 'BZ'], 'zh-HK': ['幫助'] },
  phrasings: {
    en: [
      'COMMANDS',
      'COMMAND',
      'KEYWORDS',
      'KEYWORD',
      'OPTIONS',
      'INSTRUCTIONS',
      'GUIDE',
      'HOW DO I USE',
      'HOW TO USE',
      'HOW DOES THIS WORK',
      'WHAT CAN I DO',
      'WHAT CAN YOU DO',
      'WHAT CAN I TEXT',
    ],
    'zh-CN': ['菜单', '指令', '命令', '功能', '帮忙', '说明', '使用说明', '怎么用', '如何使用', '怎么使用', '目录'],
    'zh-HK': ['菜單', '點用', '點樣用', '有咩功能', '幫手'],
  },
  args: noArgs,
  usage: 'help.menu',
  readOnly: true,
  fallback: true,
  async run(ctx) {
    ctx.reply('help.menu');
  },
});
