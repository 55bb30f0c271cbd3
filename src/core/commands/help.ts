import { defineCommand, noArgs } from './command';

/** HELP / ? / 帮助: the command menu; INFO is a carrier help word. */
export const help = defineCommand({
  name: 'help',
  audience: 'customer',
  aliases: { en: ['HELP', '?', 'INFO', 'MENU'], 'zh-CN': ['帮助'], 'zh-HK': ['幫助'] },
  args: noArgs,
  usage: 'help.menu',
  readOnly: true,
  async run(ctx) {
    ctx.reply('help.menu');
  },
});
