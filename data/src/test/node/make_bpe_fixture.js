// Writes the GPT-2 BPE ids that the npm package gpt-3-encoder's own encoder gives for a set of awkward strings;
// BpeTokenizerTest asserts that Panamax's BpeTokenizer gives exactly these ids. Run it as data/src/test/node/README.md says.
const fs = require('fs');
const path = require('path');
const { encode, decode } = require(path.resolve(process.argv[2] || 'package'));

const texts = [
  "Hello world",
  "I'm sure they'll say it's fine, but we'd've known; you're right, I've seen 3 of 12,345 cases in 2024.",
  "THEY'RE LOUD'S and O'Neil's   'quote'",
  "  leading spaces,   runs of  spaces, trailing   ",
  "tabs\tand\t\tmore\ttabs",
  "line one\nline two\n\n\nline five\r\nwindows line\n",
  "Punctuation!!! ... ?!? (parens) [brackets] {braces} <angles> --- ___ *** @#$%^&",
  "Emoji: 🎉🚀👩‍👩‍👧‍👦 and flags 🇫🇷🇯🇵, mixed: a🙂b",
  "床前明月光，疑是地上霜。\n举头望明月，低头思故乡。",
  "春眠不覺曉，處處聞啼鳥。夜來風雨聲，花落知多少。",
  "Café naïve façade résumé Ångström Øresund Straße crème brûlée déjà vu",
  "Supercalifragilisticexpialidocious pneumonoultramicroscopicsilicovolcanoconiosis antidisestablishmentarianism",
  "numbers 3.14159 1e-10 0x7FFF 1,000,000 ２０２４ ٣٤٥",
  "unicode spaces: a\u00a0b\u3000c\u2009d",
  // Where JavaScript's \s (gpt-3-encoder) and an ASCII or Java-Unicode \s split differently:
  "a \u00a0b, tab\t\u3000x and \u2028 lines\u3000\u3000end \u00a0 \u00a0 z",
  "bom \ufeffword, next line \u0085word, figure\u2007 space",
  "",
  " ",
  "\n",
  "a",
];

const cases = texts.map(text => {
  const ids = encode(text);
  if (decode(ids) !== text) throw new Error('the package itself does not round-trip ' + JSON.stringify(text));
  return { text, ids };
});
const out = path.resolve(__dirname, '../resources/dev/panamax/data/text/gpt2_bpe_reference.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
// One case per line, so a changed id shows up as a one-line diff.
const lines = cases.map(c => '  ' + JSON.stringify(c)).join(',\n');
fs.writeFileSync(out, '{"package": "gpt-3-encoder@1.1.4", "cases": [\n' + lines + '\n]}\n');
console.log('wrote ' + cases.length + ' cases to ' + out);
