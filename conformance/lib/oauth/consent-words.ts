// The words of a consent or sign-in page, in the languages the suite recognises without a target description (en,
// de, fr, es, pt, it, nl, ja, zh): what an approve, a deny and a sign-in control are called. Matched against a
// control's accessible name (a button's text, labels inside spans included, or an input's value), from its start,
// ignoring leading icons and punctuation. Shared by the browser flow (Playwright role queries) and the browserless
// /authorize probe (the page's HTML).

/** The end of a word, for scripts with word boundaries (CJK words have none). */
const END = String.raw`(?![\p{L}\p{N}])`;

/** One alternation of every word of a lexicon, regular-expression-escaped, spaces matching any whitespace. */
function words(lexicon: Record<string, string>): string {
  return Object.values(lexicon)
    .flatMap((list) => list.split('|'))
    .map((w) =>
      w
        .replace(/[.*+?^${}()[\]\\]/g, '\\$&')
        .replace(/ /g, String.raw`\s+`)
        // No quote character in the source: Playwright's selector parser stops at one (`don't`), and ’ counts too.
        .replace(/'/g, String.raw`[’\x27]`),
    )
    .join('|');
}

/** Words by language, `|`-separated (a word may contain spaces). */
type Lexicon = Record<string, string>;

/** Refusals, checked before approvals: "Don't allow", "Nicht zulassen", "許可しない" all contain an approve word. */
const DENY_WORDS: Lexicon = {
  en: "deny|reject|decline|cancel|refuse|disallow|don't allow|do not allow|not now|no",
  de: 'ablehnen|verweigern|abbrechen|nicht zulassen|nicht erlauben|zurückweisen|nein',
  fr: 'refuser|annuler|rejeter|décliner|ne pas autoriser|non',
  es: 'denegar|rechazar|cancelar|no permitir',
  pt: 'negar|recusar|rejeitar|não permitir|não',
  it: 'nega|rifiuta|annulla|non consentire|non autorizzare',
  nl: 'weigeren|afwijzen|annuleren|niet toestaan|nee',
};
/** Japanese and Chinese: no spaces between words, so matched as prefixes. */
const DENY_CJK: Lexicon = { ja: '拒否|キャンセル|許可しない|拒絶|いいえ', zh: '拒绝|拒絕|取消|不允许|不允許|否' };

const APPROVE_WORDS: Lexicon = {
  en: 'approve|allow|authorize|authorise|accept|grant|consent|agree|confirm|continue|yes',
  de: 'zulassen|erlauben|genehmigen|autorisieren|akzeptieren|zustimmen|bestätigen|weiter|fortfahren|ja',
  fr: 'autoriser|accepter|approuver|permettre|confirmer|continuer|oui',
  es: 'permitir|autorizar|aceptar|aprobar|confirmar|continuar|sí|si',
  pt: 'permitir|autorizar|aceitar|aprovar|conceder|confirmar|continuar|sim',
  it: 'consenti|autorizza|accetta|approva|permetti|conferma|continua|concedi|sì',
  nl: 'toestaan|autoriseren|accepteren|goedkeuren|bevestigen|doorgaan|akkoord|verder',
};
const APPROVE_CJK: Lexicon = {
  ja: '許可|承認|同意|続行|続ける|次へ|はい',
  zh: '允许|允許|授权|授權|同意|批准|继续|繼續|确认|確認',
};

/**
 * Names that start a sign-in, on a proxy that asks the user to sign in before it asks for consent ("Continue with
 * GitHub", "Sign in", "Mit GitHub anmelden"): the verb anywhere in the name, or "continue with <provider>".
 */
const SIGN_IN_ANYWHERE: Lexicon = {
  en: 'sign in|sign-in|signin|log in|log-in|login|sign on',
  de: 'anmelden|einloggen',
  fr: 'se connecter|connexion',
  es: 'iniciar sesión|entrar',
  pt: 'iniciar sessão|entrar',
  it: 'accedi',
  nl: 'inloggen|aanmelden',
};
const SIGN_IN_CJK: Lexicon = { ja: 'ログイン|サインイン', zh: '登录|登入|登錄' };
const CONTINUE_WITH: Lexicon = {
  en: 'continue with',
  de: 'weiter mit',
  fr: 'continuer avec',
  es: 'continuar con',
  pt: 'continuar com',
  it: 'continua con',
  nl: 'doorgaan met',
};

const DENY = String.raw`[^\p{L}\p{N}]*(?:(?:${words(DENY_WORDS)})${END}|(?:${words(DENY_CJK)}))`;
const SIGN_IN = String.raw`(?:[\s\S]*?(?:^|[^\p{L}])(?:${words(SIGN_IN_ANYWHERE)})${END}|[\s\S]*?(?:${words(SIGN_IN_CJK)})|[^\p{L}\p{N}]*(?:${words(CONTINUE_WITH)})${END})`;
const APPROVE = String.raw`[^\p{L}\p{N}]*(?:(?:${words(APPROVE_WORDS)})${END}|(?:${words(APPROVE_CJK)}))`;

/**
 * Accessible-name matchers, as regular expressions so that Playwright can run them in the page
 * (`getByRole('button', { name })`). An approve control is one that neither refuses nor starts a sign-in.
 */
export const CONTROL_NAME = {
  deny: new RegExp(`^${DENY}`, 'iu'),
  signIn: new RegExp(`^${SIGN_IN}`, 'iu'),
  approve: new RegExp(`^(?!${DENY})(?!${SIGN_IN})${APPROVE}`, 'iu'),
} as const;

/** A control that refuses ("Deny", "Abbrechen", "拒否"). */
export function isDenyName(name: string): boolean {
  return CONTROL_NAME.deny.test(name);
}

/** A control that starts a sign-in ("Sign in", "Continue with GitHub", "ログイン"). */
export function isSignInName(name: string): boolean {
  return CONTROL_NAME.signIn.test(name);
}

/** A control that approves ("Allow", "Zulassen", "許可"), and neither refuses nor starts a sign-in. */
export function isApproveName(name: string): boolean {
  return CONTROL_NAME.approve.test(name);
}

/** The names of the controls in an HTML page (buttons, submit inputs, role=button elements, links), text only. */
export function controlNamesInHtml(html: string): { buttons: string[]; links: string[] } {
  const text = (s: string): string =>
    s
      .replace(/<[^>]+>/g, ' ')
      .replace(/&nbsp;/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
  const attr = (tag: string, name: string): string | undefined =>
    new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'i')
      .exec(tag)
      ?.slice(1)
      .find((v) => v !== undefined);
  const buttons: string[] = [];
  for (const m of html.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)) {
    buttons.push(attr(m[1] ?? '', 'aria-label') ?? text(m[2] ?? ''));
  }
  for (const m of html.matchAll(/<input\b[^>]*>/gi)) {
    const tag = m[0];
    if (/\btype\s*=\s*["']?(submit|button)\b/i.test(tag))
      buttons.push(attr(tag, 'value') ?? attr(tag, 'aria-label') ?? '');
  }
  for (const m of html.matchAll(/<(\w+)\b([^>]*\brole\s*=\s*["']?button\b[^>]*)>([\s\S]*?)<\/\1>/gi)) {
    buttons.push(attr(m[2] ?? '', 'aria-label') ?? text(m[3] ?? ''));
  }
  const links = [...html.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a>/gi)].map(
    (m) => attr(m[1] ?? '', 'aria-label') ?? text(m[2] ?? ''),
  );
  return { buttons: buttons.filter(Boolean), links: links.filter(Boolean) };
}
