// Messages in Turkish, English and Latvian, and dates, durations and numbers in the user's
// language and time zone. Every visible string goes through t(); each page module adds its own
// keys, prefixed with its name ('queue.title'), with addMessages({en: {...}, tr: {...}, lv: {...}}).

export const LANGUAGES = ['tr', 'en', 'lv'];
const LOCALES = { tr: 'tr-TR', en: 'en-GB', lv: 'lv-LV' };
const LANG_KEY = 'complaintdesk.lang';
const ZONE_KEY = 'complaintdesk.timeZone';

const messages = { en: {}, tr: {}, lv: {} };

export function addMessages(sets) {
  for (const [code, entries] of Object.entries(sets)) {
    if (!messages[code]) throw new Error(`unknown language ${code}`);
    Object.assign(messages[code], entries);
  }
}

// Every key of every language (the browser test compares the three sets).
export function messageKeys() {
  return Object.fromEntries(Object.entries(messages).map(([code, entries]) => [code, Object.keys(entries).sort()]));
}

function stored(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage refused (private mode): the defaults hold
  }
}

function remember(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    /* not remembered; still used for this page */
  }
}

function browserLanguage() {
  for (const tag of navigator.languages || [navigator.language || 'en']) {
    const code = String(tag).slice(0, 2).toLowerCase();
    if (LANGUAGES.includes(code)) return code;
  }
  return 'en';
}

let current = LANGUAGES.includes(stored(LANG_KEY)) ? stored(LANG_KEY) : browserLanguage();

export function lang() {
  return current;
}

export function locale() {
  return LOCALES[current];
}

// Changes the language, remembers it and tells the shell to render again (the header's draw sets
// <html lang> when its words are in the new language).
export function setLang(code) {
  if (!LANGUAGES.includes(code)) throw new Error(`unknown language ${code}`);
  current = code;
  remember(LANG_KEY, code);
  window.dispatchEvent(new CustomEvent('console:settings', { detail: { lang: code } }));
}

// t('queue.shown', {count: 3}) → '3 shown'. Missing in this language: English; missing there too:
// the key itself (the key test finds those before a user does).
export function t(key, params = {}) {
  const text = messages[current][key] ?? messages.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

export function browserTimeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function validZone(zone) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

let zone = stored(ZONE_KEY) && validZone(stored(ZONE_KEY)) ? stored(ZONE_KEY) : browserTimeZone();

export function timeZone() {
  return zone;
}

export function setTimeZone(name) {
  if (!validZone(name)) throw new Error(`unknown time zone ${name}`);
  zone = name;
  remember(ZONE_KEY, name);
  window.dispatchEvent(new CustomEvent('console:settings', { detail: { timeZone: name } }));
}

// The zones the picker offers: every zone the browser knows, the current one first if missing.
export function timeZones() {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const list = all.length ? [...all] : ['UTC', 'Europe/Istanbul', 'Europe/Riga', 'Europe/London'];
  if (!list.includes('UTC')) list.unshift('UTC');
  if (!list.includes(zone)) list.unshift(zone);
  return list;
}

function parse(value) {
  if (value === null || value === undefined || value === '') return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

// '28 Nov 2026, 14:05' (en) in the user's zone; '' for nothing.
export function fmtDateTime(iso) {
  const date = parse(iso);
  if (!date) return '';
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }).format(date);
}

// A calendar day. A plain 'YYYY-MM-DD' is a day, not an instant: shown as that day in any zone.
export function fmtDate(iso) {
  if (typeof iso === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(iso)) {
    const [y, m, d] = iso.split('-').map(Number);
    return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, d));
  }
  const date = parse(iso);
  if (!date) return '';
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: zone }).format(date);
}

export function fmtTime(iso) {
  const date = parse(iso);
  if (!date) return '';
  return new Intl.DateTimeFormat(locale(), { timeStyle: 'short', timeZone: zone }).format(date);
}

export function fmtNumber(n, options = {}) {
  if (n === null || n === undefined || Number.isNaN(Number(n))) return '';
  return new Intl.NumberFormat(locale(), options).format(Number(n));
}

export function fmtPercent(ratio, digits = 0) {
  return fmtNumber(ratio, { style: 'percent', maximumFractionDigits: digits });
}

// 93784 → '1 d 2 h' (the two largest units; under a minute: seconds). Negative: the same with a
// minus sign (callers usually say "overdue by" instead).
export function fmtDuration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(Number(seconds))) return '';
  const sign = seconds < 0 ? '−' : '';
  let rest = Math.round(Math.abs(Number(seconds)));
  if (rest < 60) return sign + t('fmt.seconds', { n: fmtNumber(rest) });
  const parts = [];
  for (const [unit, size] of [['days', 86400], ['hours', 3600], ['minutes', 60]]) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || parts.length > 0) parts.push([unit, count]);
  }
  return sign + parts.filter(([, count], i) => i === 0 || count > 0).slice(0, 2).map(([unit, count]) => t(`fmt.${unit}`, { n: fmtNumber(count) })).join(' ');
}

addMessages({
  en: {
    'app.name': 'Complaint desk',
    'shell.skip': 'Skip to content',
    'shell.nav': 'Main',
    'shell.language': 'Language',
    'shell.timeZone': 'Time zone',
    'shell.signedInAs': 'Signed in as {email}',
    'shell.signOut': 'Sign out',
    'shell.loading': 'Loading…',
    'shell.notAllowed': 'Not allowed',
    'shell.notAllowedText': 'Your role does not allow this page.',
    'shell.notFound': 'Page not found',
    'shell.notFoundText': 'There is no page at this address.',
    'shell.noAccess': 'No console access',
    'shell.noAccessText': 'This account has no console access. It is meant for other systems calling the API.',
    'shell.error': 'Something went wrong',
    'shell.errorText': 'The page could not be shown: {message}',
    'shell.home': 'Go to the start page',
    'shell.dismiss': 'Dismiss',
    'shell.sessionExpired': 'Your session has ended. Please sign in again.',
    'shell.configMissing': 'The console is not configured (config.json could not be read).',
    'nav.queue': 'Queue',
    'nav.board': 'Team board',
    'nav.escalations': 'Escalations',
    'nav.categories': 'Categories',
    'nav.reports': 'Reports',
    'nav.teams': 'Teams',
    'role.agent': 'Agent',
    'role.manager': 'Manager',
    'role.admin': 'Admin',
    'role.integration': 'Integration',
    'login.title': 'Sign in',
    'login.intro': 'Sign in with your work e-mail address.',
    'login.email': 'E-mail',
    'login.password': 'Password',
    'login.submit': 'Sign in',
    'login.signingIn': 'Signing in…',
    'login.hostedIntro': 'You sign in on the company sign-in page and come back here.',
    'login.hostedSubmit': 'Continue to sign-in',
    'login.required': 'Please fill this in.',
    'auth.wrongPassword': 'The e-mail address or the password is wrong.',
    'auth.challenge': 'This account must set a new password first: ask an administrator.',
    'auth.failed': 'Signing in failed. Please try again.',
    'auth.network': 'The sign-in service could not be reached.',
    'auth.stateMismatch': 'The sign-in answer did not match this browser’s request; please sign in again.',
    'auth.noAccess': 'This account has no console access.',
    'api.network': 'The service could not be reached. Please try again.',
    'api.failed': 'The request failed (HTTP {status}).',
    'fmt.seconds': '{n} s',
    'fmt.minutes': '{n} min',
    'fmt.hours': '{n} h',
    'fmt.days': '{n} d',
  },
  tr: {
    'app.name': 'Şikâyet masası',
    'shell.skip': 'İçeriğe geç',
    'shell.nav': 'Ana menü',
    'shell.language': 'Dil',
    'shell.timeZone': 'Saat dilimi',
    'shell.signedInAs': '{email} olarak oturum açık',
    'shell.signOut': 'Oturumu kapat',
    'shell.loading': 'Yükleniyor…',
    'shell.notAllowed': 'İzin yok',
    'shell.notAllowedText': 'Rolünüz bu sayfaya izin vermiyor.',
    'shell.notFound': 'Sayfa bulunamadı',
    'shell.notFoundText': 'Bu adreste bir sayfa yok.',
    'shell.noAccess': 'Konsol erişimi yok',
    'shell.noAccessText': 'Bu hesabın konsol erişimi yok. Hesap, API’yi çağıran diğer sistemler içindir.',
    'shell.error': 'Bir şeyler ters gitti',
    'shell.errorText': 'Sayfa gösterilemedi: {message}',
    'shell.home': 'Başlangıç sayfasına git',
    'shell.dismiss': 'Kapat',
    'shell.sessionExpired': 'Oturumunuz sona erdi. Lütfen yeniden oturum açın.',
    'shell.configMissing': 'Konsol yapılandırılmamış (config.json okunamadı).',
    'nav.queue': 'İş kuyruğu',
    'nav.board': 'Ekip panosu',
    'nav.escalations': 'Üst kademeye aktarılanlar',
    'nav.categories': 'Kategoriler',
    'nav.reports': 'Raporlar',
    'nav.teams': 'Ekipler',
    'role.agent': 'Temsilci',
    'role.manager': 'Yönetici',
    'role.admin': 'Sistem yöneticisi',
    'role.integration': 'Entegrasyon',
    'login.title': 'Oturum aç',
    'login.intro': 'İş e-posta adresinizle oturum açın.',
    'login.email': 'E-posta',
    'login.password': 'Parola',
    'login.submit': 'Oturum aç',
    'login.signingIn': 'Oturum açılıyor…',
    'login.hostedIntro': 'Şirketin oturum açma sayfasında oturum açıp buraya dönersiniz.',
    'login.hostedSubmit': 'Oturum açma sayfasına git',
    'login.required': 'Lütfen bu alanı doldurun.',
    'auth.wrongPassword': 'E-posta adresi ya da parola yanlış.',
    'auth.challenge': 'Bu hesap önce yeni bir parola belirlemeli: bir yöneticiye başvurun.',
    'auth.failed': 'Oturum açılamadı. Lütfen yeniden deneyin.',
    'auth.network': 'Oturum açma hizmetine ulaşılamadı.',
    'auth.stateMismatch': 'Oturum açma yanıtı bu tarayıcının isteğiyle eşleşmedi; lütfen yeniden oturum açın.',
    'auth.noAccess': 'Bu hesabın konsol erişimi yok.',
    'api.network': 'Hizmete ulaşılamadı. Lütfen yeniden deneyin.',
    'api.failed': 'İstek başarısız oldu (HTTP {status}).',
    'fmt.seconds': '{n} sn',
    'fmt.minutes': '{n} dk',
    'fmt.hours': '{n} sa',
    'fmt.days': '{n} gün',
  },
  lv: {
    'app.name': 'Sūdzību birojs',
    'shell.skip': 'Pāriet uz saturu',
    'shell.nav': 'Galvenā izvēlne',
    'shell.language': 'Valoda',
    'shell.timeZone': 'Laika josla',
    'shell.signedInAs': 'Pieteicies kā {email}',
    'shell.signOut': 'Iziet',
    'shell.loading': 'Ielādē…',
    'shell.notAllowed': 'Nav atļauts',
    'shell.notAllowedText': 'Jūsu loma neatļauj šo lapu.',
    'shell.notFound': 'Lapa nav atrasta',
    'shell.notFoundText': 'Šajā adresē nav lapas.',
    'shell.noAccess': 'Nav piekļuves konsolei',
    'shell.noAccessText': 'Šim kontam nav piekļuves konsolei. Tas paredzēts citām sistēmām, kas izsauc API.',
    'shell.error': 'Kaut kas nogāja greizi',
    'shell.errorText': 'Lapu nevarēja parādīt: {message}',
    'shell.home': 'Uz sākumlapu',
    'shell.dismiss': 'Aizvērt',
    'shell.sessionExpired': 'Jūsu sesija ir beigusies. Lūdzu, piesakieties vēlreiz.',
    'shell.configMissing': 'Konsole nav konfigurēta (config.json nevarēja nolasīt).',
    'nav.queue': 'Rinda',
    'nav.board': 'Komandas tāfele',
    'nav.escalations': 'Eskalācijas',
    'nav.categories': 'Kategorijas',
    'nav.reports': 'Pārskati',
    'nav.teams': 'Komandas',
    'role.agent': 'Aģents',
    'role.manager': 'Vadītājs',
    'role.admin': 'Administrators',
    'role.integration': 'Integrācija',
    'login.title': 'Pieteikties',
    'login.intro': 'Piesakieties ar savu darba e-pasta adresi.',
    'login.email': 'E-pasts',
    'login.password': 'Parole',
    'login.submit': 'Pieteikties',
    'login.signingIn': 'Piesakās…',
    'login.hostedIntro': 'Jūs piesakāties uzņēmuma pieteikšanās lapā un atgriežaties šeit.',
    'login.hostedSubmit': 'Turpināt uz pieteikšanos',
    'login.required': 'Lūdzu, aizpildiet šo lauku.',
    'auth.wrongPassword': 'E-pasta adrese vai parole ir nepareiza.',
    'auth.challenge': 'Šim kontam vispirms jāiestata jauna parole: vērsieties pie administratora.',
    'auth.failed': 'Pieteikties neizdevās. Lūdzu, mēģiniet vēlreiz.',
    'auth.network': 'Pieteikšanās pakalpojums nav sasniedzams.',
    'auth.stateMismatch': 'Pieteikšanās atbilde neatbilda šīs pārlūkprogrammas pieprasījumam; lūdzu, piesakieties vēlreiz.',
    'auth.noAccess': 'Šim kontam nav piekļuves konsolei.',
    'api.network': 'Pakalpojums nav sasniedzams. Lūdzu, mēģiniet vēlreiz.',
    'api.failed': 'Pieprasījums neizdevās (HTTP {status}).',
    'fmt.seconds': '{n} s',
    'fmt.minutes': '{n} min',
    'fmt.hours': '{n} h',
    'fmt.days': '{n} d.',
  },
});
