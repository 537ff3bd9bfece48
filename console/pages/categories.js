// The business's plans: the list of categories, and one category's editor (admins) or read-only view
// (agents, managers). The editor is a form over a draft copy of the current definition: every input
// writes its value at its path in the draft (`steps[1].sla`), so properties the form does not show
// (team hours, customer_wait, review) travel unchanged. The API validates: a 400's details name
// paths, and each message is shown next to the input registered under that path (or the nearest
// group above it). The preview (POST /categories/{id}/preview with the draft) is drawn on month
// calendars with the calendar's weekends and holidays; publishing is PUT; any two published versions
// (GET /categories/{id}/versions/{n}) are compared as added / removed / changed steps, fields, teams.
import { h, clear } from '../js/dom.js';
import { addMessages, t, fmtDateTime, lang } from '../js/i18n.js';

export const roles = ['agent', 'manager', 'admin'];

const LANGS = ['tr', 'en', 'lv'];
const CALENDARS = ['tr-istanbul', 'lv-riga', '24x7'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const CLOCKS = ['business', 'calendar'];
const FIELD_TYPES = ['string', 'text', 'integer', 'number', 'boolean', 'date', 'email', 'enum'];
const TARGET_KINDS = ['role', 'team', 'manager', 'email'];
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
// Collections compared item by item in a diff, by the property that names an item.
const KEYED = { teams: 'id', steps: 'id', fields: 'name', root_causes: 'code' };

// Labels of a definition's properties: the form's labels and the diff's words are the same.
const FIELD_LABELS = {
  en: {
    id: 'Identifier', names: 'Names', description: 'Description', default_priority: 'Default priority',
    calendar: 'Calendar', first_response: 'First response promised', teams: 'Teams', name: 'Name',
    email: 'E-mail', manager_email: 'Manager e-mail', hours: 'Working hours', steps: 'Steps', title: 'Title',
    owner_team: 'Owner team', instructions: 'Instructions', sla: 'SLA', clock: 'Clock',
    notify_customer_on_start: 'Tell the customer when it starts', notify_customer_on_end: 'Tell the customer when it ends',
    escalation: 'Escalation level', label: 'Label', notify: 'Notify', kind: 'Kind', value: 'Value',
    extra: 'Extra time', fields: 'Custom fields', type: 'Type', required: 'Required', allowed: 'Allowed values',
    max_length: 'Maximum length', labels: 'Labels', root_causes: 'Root causes', code: 'Code', closing: 'Closing',
    resolution_required: 'Resolution required', survey_after_days: 'Survey after (days)',
    auto_close_after_days: 'Close automatically after (days)', customer_wait: 'Waiting for the customer',
    remind_after: 'Remind after', reminders: 'Reminders', then: 'Then', review: 'Review', team: 'Team',
    recourse: 'Recourse', url: 'Address', contact: 'Contact', tr: 'Turkish', en: 'English', lv: 'Latvian',
  },
  tr: {
    id: 'Tanımlayıcı', names: 'Adlar', description: 'Açıklama', default_priority: 'Varsayılan öncelik',
    calendar: 'Takvim', first_response: 'Söz verilen ilk yanıt', teams: 'Ekipler', name: 'Ad',
    email: 'E-posta', manager_email: 'Yönetici e-postası', hours: 'Çalışma saatleri', steps: 'Adımlar', title: 'Başlık',
    owner_team: 'Sorumlu ekip', instructions: 'Talimatlar', sla: 'SLA', clock: 'Süre türü',
    notify_customer_on_start: 'Başlarken müşteriye bildir', notify_customer_on_end: 'Bitince müşteriye bildir',
    escalation: 'Üst kademe', label: 'Etiket', notify: 'Bildirilecekler', kind: 'Tür', value: 'Değer',
    extra: 'Ek süre', fields: 'Özel alanlar', type: 'Tür', required: 'Zorunlu', allowed: 'İzin verilen değerler',
    max_length: 'En fazla uzunluk', labels: 'Etiketler', root_causes: 'Kök nedenler', code: 'Kod', closing: 'Kapanış',
    resolution_required: 'Çözüm zorunlu', survey_after_days: 'Anket (gün sonra)',
    auto_close_after_days: 'Otomatik kapanış (gün sonra)', customer_wait: 'Müşteri beklenirken',
    remind_after: 'Hatırlatma süresi', reminders: 'Hatırlatmalar', then: 'Sonra', review: 'İnceleme', team: 'Ekip',
    recourse: 'Başvuru yolu', url: 'Adres', contact: 'İletişim', tr: 'Türkçe', en: 'İngilizce', lv: 'Letonca',
  },
  lv: {
    id: 'Identifikators', names: 'Nosaukumi', description: 'Apraksts', default_priority: 'Noklusējuma prioritāte',
    calendar: 'Kalendārs', first_response: 'Solītā pirmā atbilde', teams: 'Komandas', name: 'Nosaukums',
    email: 'E-pasts', manager_email: 'Vadītāja e-pasts', hours: 'Darba laiks', steps: 'Soļi', title: 'Virsraksts',
    owner_team: 'Atbildīgā komanda', instructions: 'Norādījumi', sla: 'SLA', clock: 'Laika uzskaite',
    notify_customer_on_start: 'Paziņot klientam sākumā', notify_customer_on_end: 'Paziņot klientam beigās',
    escalation: 'Eskalācijas līmenis', label: 'Etiķete', notify: 'Paziņot', kind: 'Veids', value: 'Vērtība',
    extra: 'Papildu laiks', fields: 'Papildu lauki', type: 'Tips', required: 'Obligāts', allowed: 'Atļautās vērtības',
    max_length: 'Maksimālais garums', labels: 'Etiķetes', root_causes: 'Pamatcēloņi', code: 'Kods', closing: 'Slēgšana',
    resolution_required: 'Risinājums obligāts', survey_after_days: 'Aptauja pēc (dienām)',
    auto_close_after_days: 'Automātiski slēgt pēc (dienām)', customer_wait: 'Gaidot klientu',
    remind_after: 'Atgādināt pēc', reminders: 'Atgādinājumi', then: 'Pēc tam', review: 'Pārskatīšana', team: 'Komanda',
    recourse: 'Pārsūdzības ceļš', url: 'Adrese', contact: 'Kontakts', tr: 'Turku', en: 'Angļu', lv: 'Latviešu',
  },
};

const prefixed = (labels) => Object.fromEntries(Object.entries(labels).map(([k, v]) => [`categories.f.${k}`, v]));

addMessages({
  en: {
    ...prefixed(FIELD_LABELS.en),
    'categories.title': 'Categories',
    'categories.intro': 'Each category is a plan: its steps, owner teams, deadlines and escalations.',
    'categories.col.name': 'Category',
    'categories.col.id': 'Identifier',
    'categories.col.version': 'Version',
    'categories.col.updated': 'Updated',
    'categories.open': 'Open',
    'categories.new': 'New category',
    'categories.empty': 'No category is published yet.',
    'categories.loading': 'Loading…',
    'categories.readonly': 'You can read this plan; only administrators change it.',
    'categories.version': 'Version {version}',
    'categories.general': 'General',
    'categories.step': 'Step {n}',
    'categories.level': 'Level {n}',
    'categories.target': 'Recipient {n}',
    'categories.team': 'Team {n}',
    'categories.field': 'Field {n}',
    'categories.cause': 'Root cause {n}',
    'categories.add.team': 'Add team',
    'categories.add.step': 'Add step',
    'categories.add.level': 'Add escalation level',
    'categories.add.target': 'Add recipient',
    'categories.add.field': 'Add field',
    'categories.add.cause': 'Add root cause',
    'categories.remove': 'Remove',
    'categories.removeThing': 'Remove {what}',
    'categories.up': 'Move up',
    'categories.down': 'Move down',
    'categories.moveThing': '{what}: {direction}',
    'categories.noEscalation': 'No escalation: the step is breached when its SLA runs out.',
    'categories.slaHint': 'e.g. 4h, 2d, 1d4h',
    'categories.listHint': 'Separated by commas',
    'categories.surveyHint': 'Empty: no survey',
    'categories.optional': 'optional',
    'categories.priority.low': 'Low',
    'categories.priority.normal': 'Normal',
    'categories.priority.high': 'High',
    'categories.priority.urgent': 'Urgent',
    'categories.clock.business': 'Business hours',
    'categories.clock.calendar': 'Calendar time',
    'categories.kind.role': 'Role',
    'categories.kind.team': 'Team',
    'categories.kind.manager': "A team's manager",
    'categories.kind.email': 'E-mail address',
    'categories.type.string': 'Short text',
    'categories.type.text': 'Long text',
    'categories.type.integer': 'Whole number',
    'categories.type.number': 'Number',
    'categories.type.boolean': 'Yes / no',
    'categories.type.date': 'Date',
    'categories.type.email': 'E-mail',
    'categories.type.enum': 'One of a list',
    'categories.calendar.tr-istanbul': 'Türkiye — Istanbul office',
    'categories.calendar.lv-riga': 'Latvia — Riga office',
    'categories.calendar.24x7': 'Always open (UTC)',
    'categories.yes': 'Yes',
    'categories.no': 'No',
    'categories.publish': 'Publish a new version',
    'categories.published': 'Version {version} published.',
    'categories.unchanged': 'Nothing changed: version {version} stays current.',
    'categories.problems': 'The plan has {count} problem(s); each is shown next to its field.',
    'categories.preview': 'Deadline preview',
    'categories.previewStart': 'Start',
    'categories.previewRun': 'Preview deadlines',
    'categories.previewNote': 'Days in the {calendar} calendar ({zone}); times in your time zone.',
    'categories.weekend': 'Day off',
    'categories.holiday': 'Holiday',
    'categories.halfDay': 'from {time}',
    'categories.startMark': 'Start',
    'categories.due': '{step}: due',
    'categories.escalates': '{step}: level {level} ({label})',
    'categories.col.step': 'Step',
    'categories.col.team': 'Team',
    'categories.col.start': 'Starts',
    'categories.col.due': 'Due',
    'categories.col.levels': 'Escalation deadlines',
    'categories.legend': 'Legend',
    'categories.versions': 'Versions',
    'categories.col.publishedAt': 'Published',
    'categories.col.publishedBy': 'By',
    'categories.col.changes': 'Changes',
    'categories.created': 'created',
    'categories.compare': 'Compare',
    'categories.diffFrom': 'From version',
    'categories.diffTo': 'To version',
    'categories.diffTitle': 'Version {from} → version {to}',
    'categories.diffNone': 'The two versions are the same.',
    'categories.diff.added': 'added',
    'categories.diff.removed': 'removed',
    'categories.diff.changed': 'changed',
    'categories.diff.moved': 'moved from position {from} to {to}',
    'categories.diff.settings': 'Settings',
    'categories.diff.what': 'What',
    'categories.diff.before': 'Before',
    'categories.diff.after': 'After',
    'categories.diff.oneVersion': 'Only one version is published: there is nothing to compare yet.',
  },
  tr: {
    ...prefixed(FIELD_LABELS.tr),
    'categories.title': 'Kategoriler',
    'categories.intro': 'Her kategori bir plandır: adımları, sorumlu ekipleri, süreleri ve üst kademe aktarımları.',
    'categories.col.name': 'Kategori',
    'categories.col.id': 'Tanımlayıcı',
    'categories.col.version': 'Sürüm',
    'categories.col.updated': 'Güncellenme',
    'categories.open': 'Aç',
    'categories.new': 'Yeni kategori',
    'categories.empty': 'Henüz yayımlanmış kategori yok.',
    'categories.loading': 'Yükleniyor…',
    'categories.readonly': 'Bu planı okuyabilirsiniz; yalnızca yöneticiler değiştirir.',
    'categories.version': 'Sürüm {version}',
    'categories.general': 'Genel',
    'categories.step': 'Adım {n}',
    'categories.level': 'Kademe {n}',
    'categories.target': 'Alıcı {n}',
    'categories.team': 'Ekip {n}',
    'categories.field': 'Alan {n}',
    'categories.cause': 'Kök neden {n}',
    'categories.add.team': 'Ekip ekle',
    'categories.add.step': 'Adım ekle',
    'categories.add.level': 'Üst kademe ekle',
    'categories.add.target': 'Alıcı ekle',
    'categories.add.field': 'Alan ekle',
    'categories.add.cause': 'Kök neden ekle',
    'categories.remove': 'Kaldır',
    'categories.removeThing': '{what} kaldır',
    'categories.up': 'Yukarı taşı',
    'categories.down': 'Aşağı taşı',
    'categories.moveThing': '{what}: {direction}',
    'categories.noEscalation': 'Üst kademe yok: SLA dolduğunda adımın süresi aşılmış olur.',
    'categories.slaHint': 'örn. 4h, 2d, 1d4h',
    'categories.listHint': 'Virgülle ayrılmış',
    'categories.surveyHint': 'Boş: anket yok',
    'categories.optional': 'isteğe bağlı',
    'categories.priority.low': 'Düşük',
    'categories.priority.normal': 'Normal',
    'categories.priority.high': 'Yüksek',
    'categories.priority.urgent': 'Acil',
    'categories.clock.business': 'Mesai saatleri',
    'categories.clock.calendar': 'Takvim süresi',
    'categories.kind.role': 'Rol',
    'categories.kind.team': 'Ekip',
    'categories.kind.manager': 'Ekip yöneticisi',
    'categories.kind.email': 'E-posta adresi',
    'categories.type.string': 'Kısa metin',
    'categories.type.text': 'Uzun metin',
    'categories.type.integer': 'Tam sayı',
    'categories.type.number': 'Sayı',
    'categories.type.boolean': 'Evet / hayır',
    'categories.type.date': 'Tarih',
    'categories.type.email': 'E-posta',
    'categories.type.enum': 'Listeden biri',
    'categories.calendar.tr-istanbul': 'Türkiye — İstanbul ofisi',
    'categories.calendar.lv-riga': 'Letonya — Riga ofisi',
    'categories.calendar.24x7': 'Her zaman açık (UTC)',
    'categories.yes': 'Evet',
    'categories.no': 'Hayır',
    'categories.publish': 'Yeni sürüm yayımla',
    'categories.published': 'Sürüm {version} yayımlandı.',
    'categories.unchanged': 'Değişiklik yok: sürüm {version} geçerli kalıyor.',
    'categories.problems': 'Planda {count} sorun var; her biri kendi alanının yanında gösteriliyor.',
    'categories.preview': 'Süre önizlemesi',
    'categories.previewStart': 'Başlangıç',
    'categories.previewRun': 'Süreleri önizle',
    'categories.previewNote': 'Günler {calendar} takvimine göre ({zone}); saatler sizin saat diliminizde.',
    'categories.weekend': 'Tatil günü',
    'categories.holiday': 'Resmî tatil',
    'categories.halfDay': '{time} itibarıyla',
    'categories.startMark': 'Başlangıç',
    'categories.due': '{step}: bitiş',
    'categories.escalates': '{step}: kademe {level} ({label})',
    'categories.col.step': 'Adım',
    'categories.col.team': 'Ekip',
    'categories.col.start': 'Başlar',
    'categories.col.due': 'Bitiş',
    'categories.col.levels': 'Üst kademe süreleri',
    'categories.legend': 'Açıklama',
    'categories.versions': 'Sürümler',
    'categories.col.publishedAt': 'Yayımlanma',
    'categories.col.publishedBy': 'Yayımlayan',
    'categories.col.changes': 'Değişiklikler',
    'categories.created': 'oluşturuldu',
    'categories.compare': 'Karşılaştır',
    'categories.diffFrom': 'Eski sürüm',
    'categories.diffTo': 'Yeni sürüm',
    'categories.diffTitle': 'Sürüm {from} → sürüm {to}',
    'categories.diffNone': 'İki sürüm aynı.',
    'categories.diff.added': 'eklendi',
    'categories.diff.removed': 'kaldırıldı',
    'categories.diff.changed': 'değişti',
    'categories.diff.moved': '{from}. sıradan {to}. sıraya taşındı',
    'categories.diff.settings': 'Ayarlar',
    'categories.diff.what': 'Ne',
    'categories.diff.before': 'Önce',
    'categories.diff.after': 'Sonra',
    'categories.diff.oneVersion': 'Yalnızca bir sürüm yayımlandı: henüz karşılaştırılacak bir şey yok.',
  },
  lv: {
    ...prefixed(FIELD_LABELS.lv),
    'categories.title': 'Kategorijas',
    'categories.intro': 'Katra kategorija ir plāns: tās soļi, atbildīgās komandas, termiņi un eskalācijas.',
    'categories.col.name': 'Kategorija',
    'categories.col.id': 'Identifikators',
    'categories.col.version': 'Versija',
    'categories.col.updated': 'Atjaunināta',
    'categories.open': 'Atvērt',
    'categories.new': 'Jauna kategorija',
    'categories.empty': 'Neviena kategorija vēl nav publicēta.',
    'categories.loading': 'Ielādē…',
    'categories.readonly': 'Jūs varat lasīt šo plānu; to maina tikai administratori.',
    'categories.version': 'Versija {version}',
    'categories.general': 'Vispārīgi',
    'categories.step': '{n}. solis',
    'categories.level': '{n}. līmenis',
    'categories.target': '{n}. saņēmējs',
    'categories.team': '{n}. komanda',
    'categories.field': '{n}. lauks',
    'categories.cause': '{n}. pamatcēlonis',
    'categories.add.team': 'Pievienot komandu',
    'categories.add.step': 'Pievienot soli',
    'categories.add.level': 'Pievienot eskalācijas līmeni',
    'categories.add.target': 'Pievienot saņēmēju',
    'categories.add.field': 'Pievienot lauku',
    'categories.add.cause': 'Pievienot pamatcēloni',
    'categories.remove': 'Noņemt',
    'categories.removeThing': 'Noņemt: {what}',
    'categories.up': 'Pārvietot augšup',
    'categories.down': 'Pārvietot lejup',
    'categories.moveThing': '{what}: {direction}',
    'categories.noEscalation': 'Bez eskalācijas: kad SLA beidzas, solis ir nokavēts.',
    'categories.slaHint': 'piem., 4h, 2d, 1d4h',
    'categories.listHint': 'Atdalīti ar komatiem',
    'categories.surveyHint': 'Tukšs: bez aptaujas',
    'categories.optional': 'nav obligāts',
    'categories.priority.low': 'Zema',
    'categories.priority.normal': 'Parasta',
    'categories.priority.high': 'Augsta',
    'categories.priority.urgent': 'Steidzama',
    'categories.clock.business': 'Darba laiks',
    'categories.clock.calendar': 'Kalendārais laiks',
    'categories.kind.role': 'Loma',
    'categories.kind.team': 'Komanda',
    'categories.kind.manager': 'Komandas vadītājs',
    'categories.kind.email': 'E-pasta adrese',
    'categories.type.string': 'Īss teksts',
    'categories.type.text': 'Garš teksts',
    'categories.type.integer': 'Vesels skaitlis',
    'categories.type.number': 'Skaitlis',
    'categories.type.boolean': 'Jā / nē',
    'categories.type.date': 'Datums',
    'categories.type.email': 'E-pasts',
    'categories.type.enum': 'Viena no saraksta',
    'categories.calendar.tr-istanbul': 'Turcija — Stambulas birojs',
    'categories.calendar.lv-riga': 'Latvija — Rīgas birojs',
    'categories.calendar.24x7': 'Vienmēr atvērts (UTC)',
    'categories.yes': 'Jā',
    'categories.no': 'Nē',
    'categories.publish': 'Publicēt jaunu versiju',
    'categories.published': 'Versija {version} publicēta.',
    'categories.unchanged': 'Nekas nav mainīts: spēkā paliek versija {version}.',
    'categories.problems': 'Plānā ir problēmas ({count}); katra parādīta pie sava lauka.',
    'categories.preview': 'Termiņu priekšskatījums',
    'categories.previewStart': 'Sākums',
    'categories.previewRun': 'Priekšskatīt termiņus',
    'categories.previewNote': 'Dienas pēc kalendāra {calendar} ({zone}); laiki jūsu laika joslā.',
    'categories.weekend': 'Brīvdiena',
    'categories.holiday': 'Svētku diena',
    'categories.halfDay': 'no {time}',
    'categories.startMark': 'Sākums',
    'categories.due': '{step}: termiņš',
    'categories.escalates': '{step}: {level}. līmenis ({label})',
    'categories.col.step': 'Solis',
    'categories.col.team': 'Komanda',
    'categories.col.start': 'Sākas',
    'categories.col.due': 'Termiņš',
    'categories.col.levels': 'Eskalāciju termiņi',
    'categories.legend': 'Apzīmējumi',
    'categories.versions': 'Versijas',
    'categories.col.publishedAt': 'Publicēta',
    'categories.col.publishedBy': 'Publicēja',
    'categories.col.changes': 'Izmaiņas',
    'categories.created': 'izveidota',
    'categories.compare': 'Salīdzināt',
    'categories.diffFrom': 'No versijas',
    'categories.diffTo': 'Līdz versijai',
    'categories.diffTitle': 'Versija {from} → versija {to}',
    'categories.diffNone': 'Abas versijas ir vienādas.',
    'categories.diff.added': 'pievienots',
    'categories.diff.removed': 'noņemts',
    'categories.diff.changed': 'mainīts',
    'categories.diff.moved': 'pārvietots no {from}. uz {to}. vietu',
    'categories.diff.settings': 'Iestatījumi',
    'categories.diff.what': 'Kas',
    'categories.diff.before': 'Pirms',
    'categories.diff.after': 'Pēc',
    'categories.diff.oneVersion': 'Publicēta tikai viena versija: vēl nav ko salīdzināt.',
  },
});

// ------------------------------------------------------------------------------------ paths

/** ['steps', 1, 'sla'] -> 'steps[1].sla', the API's way of naming a place in the plan. */
export function pathKey(path) {
  let text = '';
  for (const part of path) {
    text += typeof part === 'number' ? `[${part}]` : (text ? `.${part}` : part);
  }
  return text;
}

function getAt(object, path) {
  return path.reduce((value, part) => (value === undefined || value === null ? undefined : value[part]), object);
}

function setAt(object, path, value) {
  let node = object;
  path.slice(0, -1).forEach((part, index) => {
    if (node[part] === undefined || node[part] === null) node[part] = typeof path[index + 1] === 'number' ? [] : {};
    node = node[part];
  });
  const last = path[path.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** 'steps[1].escalation[0]' -> 'steps[1].escalation' -> 'steps[1]' -> 'steps' -> ''. */
export function parentKey(key) {
  const match = key.match(/^(.*?)(\.[^.[\]]+|\[\d+\])$/);
  return match ? match[1] : '';
}

const copy = (value) => JSON.parse(JSON.stringify(value));
const label = (key) => t(`categories.f.${key}`);
const named = (names, fallback) => (names && (names[lang()] || names.en)) || fallback;

// ------------------------------------------------------------------------------------ list

async function renderList(root, ctx) {
  clear(root);
  root.append(h('h1', {}, t('categories.title')), h('p', { class: 'muted' }, t('categories.intro')));
  const { categories } = await ctx.api('/categories');
  if (ctx.user.roles.has('admin')) {
    root.append(h('p', {}, h('a', { href: '#/categories/new', class: 'button', 'data-testid': 'cat-new' }, t('categories.new'))));
  }
  if (!categories.length) {
    root.append(h('p', { class: 'muted' }, t('categories.empty')));
    return;
  }
  const rows = categories.map((c) => h(
    'tr', { 'data-testid': `cat-row-${c.category_id}` },
    h('th', { scope: 'row' }, h('a', { href: `#/categories/${c.category_id}`, 'data-testid': `cat-open-${c.category_id}` }, named(c.names, c.category_id))),
    h('td', {}, h('code', {}, c.category_id)),
    h('td', {}, String(c.current_version)),
    h('td', {}, c.updated_at ? fmtDateTime(c.updated_at) : '–'),
  ));
  root.append(h(
    'table', { class: 'data-table', 'data-testid': 'cat-list' },
    h('thead', {}, h('tr', {}, ...['name', 'id', 'version', 'updated'].map((k) => h('th', { scope: 'col' }, t(`categories.col.${k}`))))),
    h('tbody', {}, ...rows),
  ));
}

// ------------------------------------------------------------------------------------ editor

const BLANK = () => ({
  id: '',
  names: { tr: '', en: '', lv: '' },
  default_priority: 'normal',
  calendar: 'tr-istanbul',
  teams: [{ id: '', name: '', names: { tr: '', en: '', lv: '' } }],
  steps: [{ id: '', title: '', names: { tr: '', en: '', lv: '' }, owner_team: '', instructions: { en: '' }, sla: '1d', clock: 'business', escalation: [] }],
  fields: [],
  root_causes: [],
  closing: { resolution_required: true, survey_after_days: 3, auto_close_after_days: 14 },
});

class Editor {
  constructor(root, ctx, view, isNew) {
    this.root = root;
    this.ctx = ctx;
    this.view = view;
    this.isNew = isNew;
    this.readonly = !ctx.user.roles.has('admin');
    this.draft = isNew ? BLANK() : copy(view.definition);
    this.slots = new Map(); // path key -> {error, control}
    this.counter = 0;
  }

  // ---- controls ------------------------------------------------------------------------

  uid() {
    this.counter += 1;
    return `cat-${this.counter}`;
  }

  // One labelled input writing its value at `path`; in read-only mode the value as text.
  input(path, { kind = 'text', text, options, optional = false, nullable = false, hint, testid, onWrite } = {}) {
    const key = pathKey(path);
    const id = this.uid();
    const caption = text ?? label(path[path.length - 1]);
    const value = getAt(this.draft, path);
    const errorId = `${id}-error`;
    const error = h('p', { id: errorId, class: 'field-error', 'data-testid': `error-${key}`, hidden: true });
    const hintEl = hint ? h('span', { class: 'field-hint', id: `${id}-hint` }, hint) : null;
    const labelEl = h('label', { for: id }, caption, optional ? h('span', { class: 'muted' }, ` (${t('categories.optional')})`) : null);
    if (this.readonly) {
      let shown = value;
      if (kind === 'bool') shown = value ? t('categories.yes') : t('categories.no');
      else if (kind === 'select' && options) shown = (options.find(([v]) => v === value) || [value, value])[1];
      else if (Array.isArray(value)) shown = value.join(', ');
      const out = h('div', { class: 'field ro' }, h('span', { class: 'field-label' }, caption), h('span', { class: 'ro-value', 'data-path': key }, shown === undefined || shown === null || shown === '' ? '–' : String(shown)));
      return out;
    }
    const describedBy = [hintEl ? `${id}-hint` : null, errorId].filter(Boolean).join(' ');
    const common = { id, 'data-path': key, 'data-testid': testid || `field-${key}`, 'aria-describedby': describedBy };
    let control;
    const write = (raw) => {
      let next;
      if (kind === 'bool') next = raw;
      else if (kind === 'number') next = raw === '' ? (nullable ? null : undefined) : Number(raw);
      else if (kind === 'list') next = raw.split(',').map((s) => s.trim()).filter(Boolean);
      else next = raw;
      if (kind === 'list' && !next.length) next = undefined;
      if ((kind === 'text' || kind === 'textarea') && raw.trim() === '' && optional) next = undefined;
      setAt(this.draft, path, next);
      if (onWrite) onWrite();
      this.clearError(key);
    };
    if (kind === 'select') {
      control = h('select', { ...common, 'on:change': (e) => write(e.target.value) },
        ...options.map(([v, name]) => h('option', { value: v, ...(v === value ? { selected: true } : {}) }, name)));
    } else if (kind === 'bool') {
      control = h('input', { ...common, type: 'checkbox', ...(value ? { checked: true } : {}), 'on:change': (e) => write(e.target.checked) });
    } else if (kind === 'textarea') {
      control = h('textarea', { ...common, rows: '2', 'on:input': (e) => write(e.target.value) }, value ?? '');
    } else {
      const shown = Array.isArray(value) ? value.join(', ') : (value ?? '');
      control = h('input', {
        ...common, type: kind === 'number' ? 'number' : 'text', value: String(shown),
        'on:input': (e) => write(e.target.value),
      });
    }
    this.slots.set(key, { error, control });
    const wrapper = h('div', { class: `field${kind === 'bool' ? ' field-check' : ''}` });
    if (kind === 'bool') wrapper.append(control, labelEl);
    else wrapper.append(labelEl, control);
    if (hintEl) wrapper.append(hintEl);
    wrapper.append(error);
    return wrapper;
  }

  names(path, { optional = false, caption } = {}) {
    const group = h('fieldset', { class: 'names' }, h('legend', {}, caption || label(path[path.length - 1])));
    const row = h('div', { class: 'names-row' });
    // An optional group left empty in every language is left out, not sent as three empty names.
    const prune = () => {
      const names = getAt(this.draft, path);
      if (optional && names && !LANGS.some((code) => names[code])) setAt(this.draft, path, undefined);
    };
    for (const code of LANGS) row.append(this.input([...path, code], { text: label(code), optional, onWrite: prune }));
    group.append(row, this.groupError(path));
    return group;
  }

  // An error slot for a whole group (a step, a level, a section), for problems that name no input.
  groupError(path) {
    const key = pathKey(path);
    const error = h('p', { class: 'field-error group-error', 'data-testid': `error-${key}`, hidden: true });
    if (!this.slots.has(key)) this.slots.set(key, { error, control: null });
    return error;
  }

  button(text, testid, action, { kind = 'secondary', aria } = {}) {
    return h('button', {
      type: 'button', class: kind, 'data-testid': testid, ...(aria ? { 'aria-label': aria } : {}),
      'on:click': () => { action(); this.redraw(testid); },
    }, text);
  }

  // Remove / move up / move down for the item `index` of the list at `path`.
  itemTools(path, index, what) {
    if (this.readonly) return null;
    const list = getAt(this.draft, path);
    const key = pathKey([...path, index]);
    const tools = h('div', { class: 'item-tools' });
    const move = (delta) => {
      const [item] = list.splice(index, 1);
      list.splice(index + delta, 0, item);
    };
    if (path.length === 1 && path[0] === 'steps') {
      if (index > 0) tools.append(this.button('↑', `move-up-${key}`, () => move(-1), { aria: t('categories.moveThing', { what, direction: t('categories.up') }) }));
      if (index < list.length - 1) tools.append(this.button('↓', `move-down-${key}`, () => move(1), { aria: t('categories.moveThing', { what, direction: t('categories.down') }) }));
    }
    tools.append(this.button(t('categories.remove'), `remove-${key}`, () => list.splice(index, 1), { aria: t('categories.removeThing', { what }) }));
    return tools;
  }

  addButton(path, what, make) {
    if (this.readonly) return null;
    return this.button(t(`categories.add.${what}`), `cat-add-${pathKey(path)}`, () => {
      const list = getAt(this.draft, path) || [];
      list.push(make());
      setAt(this.draft, path, list);
    });
  }

  // ---- sections ------------------------------------------------------------------------

  section(id, title, ...children) {
    return h('section', { class: 'card cat-section', 'aria-labelledby': `cat-${id}-title`, 'data-testid': `cat-section-${id}` },
      h('h2', { id: `cat-${id}-title` }, title), ...children);
  }

  general() {
    const options = (values, prefix) => values.map((v) => [v, t(`${prefix}.${v}`)]);
    return this.section('general', t('categories.general'),
      this.isNew && !this.readonly ? this.input(['id']) : null,
      this.names(['names']),
      this.names(['description'], { optional: true }),
      h('div', { class: 'grid' },
        this.input(['default_priority'], { kind: 'select', options: options(PRIORITIES, 'categories.priority') }),
        this.input(['calendar'], { kind: 'select', options: options(CALENDARS, 'categories.calendar') }),
        this.input(['first_response'], { optional: true, hint: t('categories.slaHint') })),
      this.groupError(['body']));
  }

  teams() {
    const items = (this.draft.teams || []).map((team, i) => {
      const what = t('categories.team', { n: i + 1 });
      return h('fieldset', { class: 'item', 'data-testid': `cat-team-${i}` },
        h('legend', {}, `${what}: ${named(team.names, team.name || team.id || '')}`),
        this.itemTools(['teams'], i, what),
        h('div', { class: 'grid' },
          this.input(['teams', i, 'id']), this.input(['teams', i, 'name']),
          this.input(['teams', i, 'email'], { optional: true }), this.input(['teams', i, 'manager_email'], { optional: true })),
        this.names(['teams', i, 'names']),
        this.groupError(['teams', i]));
    });
    return this.section('teams', label('teams'), this.groupError(['teams']), ...items,
      this.addButton(['teams'], 'team', () => ({ id: '', name: '', names: { tr: '', en: '', lv: '' } })));
  }

  level(i, j, level) {
    const base = ['steps', i, 'escalation', j];
    const what = t('categories.level', { n: j + 1 });
    const targets = (level.notify || []).map((target, k) => h('div', { class: 'target grid', 'data-testid': `cat-target-${i}-${j}-${k}` },
      this.input([...base, 'notify', k, 'kind'], { kind: 'select', text: `${t('categories.target', { n: k + 1 })} — ${label('kind')}`, options: TARGET_KINDS.map((v) => [v, t(`categories.kind.${v}`)]) }),
      this.input([...base, 'notify', k, 'value']),
      this.readonly ? null : this.button(t('categories.remove'), `remove-${pathKey([...base, 'notify', k])}`, () => level.notify.splice(k, 1), { aria: t('categories.removeThing', { what: t('categories.target', { n: k + 1 }) }) }),
      this.groupError([...base, 'notify', k])));
    return h('fieldset', { class: 'item level', 'data-testid': `cat-level-${i}-${j}` },
      h('legend', {}, `${what}: ${named(level.names, level.label || '')}`),
      this.readonly ? null : this.button(t('categories.remove'), `remove-${pathKey(base)}`, () => this.draft.steps[i].escalation.splice(j, 1), { aria: t('categories.removeThing', { what }) }),
      h('div', { class: 'grid' }, this.input([...base, 'label']), this.input([...base, 'extra'], { hint: t('categories.slaHint') })),
      this.names([...base, 'names']),
      h('div', { class: 'targets' }, h('span', { class: 'field-label' }, label('notify')), this.groupError([...base, 'notify']), ...targets,
        this.addButton([...base, 'notify'], 'target', () => ({ kind: 'team', value: '' }))),
      this.groupError(base));
  }

  steps() {
    const teamOptions = (this.draft.teams || []).map((team) => [team.id, named(team.names, team.name || team.id)]);
    const items = (this.draft.steps || []).map((step, i) => {
      const what = t('categories.step', { n: i + 1 });
      const owner = teamOptions.some(([id]) => id === step.owner_team) || !step.owner_team ? teamOptions : [...teamOptions, [step.owner_team, step.owner_team]];
      const ladder = step.escalation || [];
      return h('fieldset', { class: 'item step', 'data-testid': `cat-step-${i}` },
        h('legend', {}, `${what}: ${named(step.names, step.title || step.id || '')}`),
        this.itemTools(['steps'], i, what),
        h('div', { class: 'grid' },
          this.input(['steps', i, 'id']), this.input(['steps', i, 'title']),
          this.input(['steps', i, 'owner_team'], { kind: 'select', options: step.owner_team ? owner : [['', '–'], ...owner] }),
          this.input(['steps', i, 'sla'], { hint: t('categories.slaHint') }),
          this.input(['steps', i, 'clock'], { kind: 'select', options: CLOCKS.map((v) => [v, t(`categories.clock.${v}`)]) })),
        h('div', { class: 'grid' },
          this.input(['steps', i, 'notify_customer_on_start'], { kind: 'bool' }),
          this.input(['steps', i, 'notify_customer_on_end'], { kind: 'bool' })),
        this.names(['steps', i, 'names']),
        h('fieldset', { class: 'names' }, h('legend', {}, label('instructions')),
          ...LANGS.map((code) => this.input(['steps', i, 'instructions', code], { kind: 'textarea', text: label(code), optional: code !== 'en' }))),
        h('div', { class: 'ladder', 'data-testid': `cat-ladder-${i}` },
          h('h3', {}, label('escalation')),
          ladder.length ? null : h('p', { class: 'muted' }, t('categories.noEscalation')),
          this.groupError(['steps', i, 'escalation']),
          ...ladder.map((level, j) => this.level(i, j, level)),
          this.addButton(['steps', i, 'escalation'], 'level', () => ({ label: '', names: { tr: '', en: '', lv: '' }, notify: [{ kind: 'manager', value: step.owner_team || '' }], extra: '4h' }))),
        this.groupError(['steps', i]));
    });
    return this.section('steps', label('steps'), this.groupError(['steps']), ...items,
      this.addButton(['steps'], 'step', () => ({
        id: '', title: '', names: { tr: '', en: '', lv: '' }, owner_team: (this.draft.teams[0] || {}).id || '',
        instructions: { en: '' }, sla: '1d', clock: 'business', escalation: [],
      })));
  }

  fields() {
    const items = (this.draft.fields || []).map((f, i) => {
      const what = t('categories.field', { n: i + 1 });
      return h('fieldset', { class: 'item', 'data-testid': `cat-field-${i}` },
        h('legend', {}, `${what}: ${named(f.labels, f.name || '')}`),
        this.itemTools(['fields'], i, what),
        h('div', { class: 'grid' },
          this.input(['fields', i, 'name']),
          this.input(['fields', i, 'type'], { kind: 'select', options: FIELD_TYPES.map((v) => [v, t(`categories.type.${v}`)]) }),
          this.input(['fields', i, 'required'], { kind: 'bool' }),
          this.input(['fields', i, 'allowed'], { kind: 'list', optional: true, hint: t('categories.listHint') }),
          this.input(['fields', i, 'max_length'], { kind: 'number', optional: true })),
        this.names(['fields', i, 'labels'], { optional: true }),
        this.groupError(['fields', i]));
    });
    return this.section('fields', label('fields'), this.groupError(['fields']), ...items,
      this.addButton(['fields'], 'field', () => ({ name: '', type: 'string', required: false })));
  }

  causes() {
    const items = (this.draft.root_causes || []).map((cause, i) => {
      const what = t('categories.cause', { n: i + 1 });
      return h('fieldset', { class: 'item', 'data-testid': `cat-cause-${i}` },
        h('legend', {}, `${what}: ${named(cause.names, cause.code || '')}`),
        this.itemTools(['root_causes'], i, what),
        this.input(['root_causes', i, 'code']),
        this.names(['root_causes', i, 'names']),
        this.groupError(['root_causes', i]));
    });
    return this.section('causes', label('root_causes'), this.groupError(['root_causes']), ...items,
      this.addButton(['root_causes'], 'cause', () => ({ code: '', names: { tr: '', en: '', lv: '' } })));
  }

  closing() {
    if (!this.draft.closing) this.draft.closing = {};
    return this.section('closing', label('closing'),
      h('div', { class: 'grid' },
        this.input(['closing', 'resolution_required'], { kind: 'bool' }),
        this.input(['closing', 'survey_after_days'], { kind: 'number', nullable: true, hint: t('categories.surveyHint') }),
        this.input(['closing', 'auto_close_after_days'], { kind: 'number' })),
      this.groupError(['closing']));
  }

  // ---- errors --------------------------------------------------------------------------

  clearError(key) {
    const slot = this.slots.get(key);
    if (!slot) return;
    slot.error.textContent = '';
    slot.error.hidden = true;
    if (slot.control) slot.control.removeAttribute('aria-invalid');
  }

  clearErrors() {
    for (const key of this.slots.keys()) this.clearError(key);
    this.summary.hidden = true;
  }

  // Each detail next to the input it names, or the nearest group above it ('steps[1].foo' -> 'steps[1]').
  showErrors(details) {
    this.clearErrors();
    let first = null;
    for (const detail of details) {
      const field = detail.field || detail.loc || 'body';
      let key = field;
      while (key && !this.slots.has(key)) key = parentKey(key);
      const slot = this.slots.get(key || 'body');
      const message = String(detail.message || '').replace(new RegExp(`^${field.replace(/[.[\]]/g, '\\$&')}:\\s*`), '');
      slot.error.textContent = slot.error.textContent ? `${slot.error.textContent} · ${message}` : message;
      slot.error.hidden = false;
      if (slot.control) {
        slot.control.setAttribute('aria-invalid', 'true');
        first = first || slot.control;
      } else {
        first = first || slot.error;
      }
    }
    this.summary.textContent = t('categories.problems', { count: details.length });
    this.summary.hidden = false;
    if (first) {
      if (!first.matches('input, select, textarea')) first.setAttribute('tabindex', '-1');
      first.focus();
    }
  }

  // ---- drawing -------------------------------------------------------------------------

  redraw(focusTestid) {
    this.slots.clear();
    clear(this.formArea);
    this.formArea.append(this.general(), this.teams(), this.steps(), this.fields(), this.causes(), this.closing());
    if (focusTestid) {
      const again = this.root.querySelector(`[data-testid="${focusTestid}"]`);
      if (again) again.focus();
    }
  }

  categoryId() {
    return this.isNew ? (this.draft.id || '').trim() : this.view.category_id;
  }

  async publish() {
    const id = this.categoryId();
    this.clearErrors();
    if (!id) {
      this.showErrors([{ field: 'id', message: label('id') }]);
      return;
    }
    try {
      const result = await this.ctx.api(`/categories/${encodeURIComponent(id)}`, { method: 'PUT', body: this.draft });
      if (result.published) this.ctx.toast(t('categories.published', { version: result.current_version }), 'success');
      else this.ctx.toast(t('categories.unchanged', { version: result.current_version }), 'info');
      if (this.isNew) {
        this.ctx.navigate(`#/categories/${id}`);
        return;
      }
      this.view = result;
      this.draft = copy(result.definition);
      this.versionLine.textContent = t('categories.version', { version: result.current_version });
      this.redraw();
      this.drawVersions();
    } catch (error) {
      if (error.status === 400 && error.details && error.details.length) this.showErrors(error.details);
      else this.ctx.toast(error.message, 'error');
    }
  }

  async runPreview() {
    const value = this.startInput.value;
    if (!value) return;
    const start = new Date(value).toISOString();
    const id = this.categoryId() || 'draft';
    this.clearErrors();
    try {
      const preview = await this.ctx.api(`/categories/${encodeURIComponent(id)}/preview`, {
        method: 'POST', body: { start, definition: this.draft },
      });
      clear(this.previewArea);
      this.previewArea.append(drawPreview(preview, this.draft));
    } catch (error) {
      if (error.status === 400 && error.details && error.details.length) this.showErrors(error.details);
      else this.ctx.toast(error.message, 'error');
    }
  }

  previewPanel() {
    const id = this.uid();
    const soon = new Date(Date.now() + 3600000);
    soon.setMinutes(0, 0, 0);
    const local = new Date(soon.getTime() - soon.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
    this.startInput = h('input', { type: 'datetime-local', id, value: local, 'data-testid': 'cat-preview-start' });
    this.previewArea = h('div', { class: 'preview-area', 'aria-live': 'polite', 'data-testid': 'cat-preview' });
    return this.section('preview', t('categories.preview'),
      h('div', { class: 'preview-controls' },
        h('div', { class: 'field' }, h('label', { for: id }, t('categories.previewStart')), this.startInput),
        h('button', { type: 'button', class: 'secondary', 'data-testid': 'cat-preview-run', 'on:click': () => this.runPreview() }, t('categories.previewRun'))),
      this.previewArea);
  }

  drawVersions() {
    clear(this.versionsArea);
    if (this.isNew) return;
    this.versionsArea.append(drawVersions(this.view, this.ctx));
  }

  async render() {
    clear(this.root);
    const title = this.isNew ? t('categories.new') : named(this.view.names, this.view.category_id);
    this.summary = h('p', { class: 'form-errors', role: 'alert', 'data-testid': 'cat-problems', hidden: true });
    this.formArea = h('div', { class: 'cat-form' });
    this.versionsArea = h('div', { 'data-testid': 'cat-versions-area' });
    this.versionLine = this.isNew ? null : h('p', { class: 'muted', 'data-testid': 'cat-current-version' }, t('categories.version', { version: this.view.current_version }));
    const form = h('form', {
      class: 'cat-editor', 'data-testid': 'cat-editor', novalidate: '',
      'on:submit': (event) => { event.preventDefault(); if (!this.readonly) this.publish(); },
    }, this.summary, this.formArea);
    if (!this.readonly) {
      form.append(h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'primary', 'data-testid': 'cat-publish' }, t('categories.publish'))));
    }
    this.root.append(
      h('p', {}, h('a', { href: '#/categories' }, t('categories.title'))),
      h('h1', { 'data-testid': 'cat-title' }, title),
      this.versionLine,
      this.readonly ? h('p', { class: 'notice', 'data-testid': 'cat-readonly' }, t('categories.readonly')) : null,
      form,
      this.previewPanel(),
      this.versionsArea,
    );
    this.redraw();
    this.drawVersions();
  }
}

// ------------------------------------------------------------------------------------ preview

// A moment's date in a time zone, as YYYY-MM-DD.
function dayIn(iso, zone) {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(iso));
  const get = (type) => parts.find((p) => p.type === type).value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

function stepName(defn, stepId, fallback) {
  const step = (defn.steps || []).find((s) => s.id === stepId);
  return step ? named(step.names, step.title || stepId) : fallback;
}

function levelName(defn, stepId, level, fallback) {
  const step = (defn.steps || []).find((s) => s.id === stepId);
  const found = step && (step.escalation || [])[level - 1];
  return found ? named(found.names, found.label) : fallback;
}

/** The preview's deadlines: month calendars with weekends, holidays and marks; then a table. */
export function drawPreview(preview, defn) {
  const calendar = preview.calendar;
  const zone = calendar.timezone;
  const holidays = Object.fromEntries(calendar.holidays.map((holiday) => [holiday.date, holiday]));
  const ownLanguage = calendar.id.slice(0, 2);
  const holidayName = (holiday) => (lang() === ownLanguage ? holiday.name : holiday.name_en);
  const marks = {};
  const mark = (iso, kind, text) => {
    const day = dayIn(iso, zone);
    (marks[day] = marks[day] || []).push({ kind, text, iso });
  };
  mark(preview.start, 'start', t('categories.startMark'));
  for (const step of preview.steps) {
    const name = stepName(defn, step.step_id, step.title);
    mark(step.due, 'due', t('categories.due', { step: name }));
    for (const level of step.escalations) {
      mark(level.deadline, 'escalation', t('categories.escalates', { step: name, level: level.level, label: levelName(defn, step.step_id, level.level, level.label) }));
    }
  }
  const working = new Set(calendar.working_days);
  const wrap = h('div', { class: 'preview' });
  const calendarName = CALENDARS.includes(calendar.id) ? t(`categories.calendar.${calendar.id}`) : calendar.name;
  wrap.append(h('p', { class: 'muted' }, t('categories.previewNote', { calendar: calendarName, zone })));
  wrap.append(h('ul', { class: 'cal-legend', 'aria-label': t('categories.legend') },
    h('li', {}, h('span', { class: 'cal-swatch weekend', 'aria-hidden': 'true' }), t('categories.weekend')),
    h('li', {}, h('span', { class: 'cal-swatch holiday', 'aria-hidden': 'true' }), t('categories.holiday')),
    h('li', {}, h('span', { class: 'cal-mark start' }, '▶'), t('categories.startMark')),
    h('li', {}, h('span', { class: 'cal-mark due' }, '●'), t('categories.col.due')),
    h('li', {}, h('span', { class: 'cal-mark escalation' }, '▲'), label('escalation'))));
  const months = h('div', { class: 'cal-months' });
  const [fy, fm] = calendar.from.split('-').map(Number);
  const [ty, tm] = calendar.to.split('-').map(Number);
  for (let y = fy, m = fm; y < ty || (y === ty && m <= tm); m === 12 ? (y += 1, m = 1) : (m += 1)) {
    months.append(month(y, m, { working, holidays, marks, holidayName }));
  }
  wrap.append(months);
  // The same deadlines as a table: exact times, readable without the grid.
  const rows = preview.steps.map((step) => h('tr', { 'data-testid': `cat-preview-row-${step.step_id}` },
    h('th', { scope: 'row' }, stepName(defn, step.step_id, step.title)),
    h('td', {}, step.team),
    h('td', {}, fmtDateTime(step.start)),
    h('td', { 'data-testid': `cat-preview-due-${step.step_id}` }, fmtDateTime(step.due)),
    h('td', {}, step.escalations.length
      ? h('ol', {}, ...step.escalations.map((level) => h('li', {}, `${levelName(defn, step.step_id, level.level, level.label)}: ${fmtDateTime(level.deadline)}`)))
      : '–')));
  wrap.append(h('table', { class: 'data-table', 'data-testid': 'cat-preview-table' },
    h('thead', {}, h('tr', {}, ...['step', 'team', 'start', 'due', 'levels'].map((k) => h('th', { scope: 'col' }, t(`categories.col.${k}`))))),
    h('tbody', {}, ...rows)));
  return wrap;
}

function month(year, monthNumber, { working, holidays, marks, holidayName }) {
  const first = new Date(Date.UTC(year, monthNumber - 1, 1));
  const days = new Date(Date.UTC(year, monthNumber, 0)).getUTCDate();
  const title = new Intl.DateTimeFormat(lang(), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(first);
  const weekday = new Intl.DateTimeFormat(lang(), { weekday: 'short', timeZone: 'UTC' });
  // 2024-01-01 was a Monday: the header's names, Monday first.
  const head = h('tr', {}, ...WEEKDAYS.map((_, i) => h('th', { scope: 'col' }, weekday.format(new Date(Date.UTC(2024, 0, 1 + i))))));
  const body = h('tbody');
  let row = h('tr');
  const offset = (first.getUTCDay() + 6) % 7;
  for (let i = 0; i < offset; i += 1) row.append(h('td', { class: 'cal-empty' }));
  for (let day = 1; day <= days; day += 1) {
    const date = new Date(Date.UTC(year, monthNumber - 1, day));
    const iso = date.toISOString().slice(0, 10);
    const dow = WEEKDAYS[(date.getUTCDay() + 6) % 7];
    const holiday = holidays[iso];
    const classes = ['cal-day'];
    if (!working.has(dow)) classes.push('weekend');
    if (holiday) classes.push(holiday.from_time ? 'holiday half' : 'holiday');
    const here = marks[iso] || [];
    if (here.length) classes.push('marked');
    const cell = h('td', {
      class: classes.join(' '), 'data-testid': `cal-day-${iso}`, 'data-date': iso,
      ...(holiday ? { 'data-holiday': holiday.from_time ? 'half' : 'full' } : {}),
      ...(!working.has(dow) ? { 'data-weekend': 'true' } : {}),
    }, h('span', { class: 'cal-num' }, String(day)));
    if (holiday) {
      // A half day says from when (unless its name already does: "… eve (from 13:00)").
      const name = holidayName(holiday);
      const text = holiday.from_time && !name.includes(holiday.from_time) ? `${name} (${t('categories.halfDay', { time: holiday.from_time })})` : name;
      cell.append(h('span', { class: 'cal-holiday', 'data-testid': 'cal-holiday' }, text));
    }
    if (here.length) {
      cell.append(h('ul', { class: 'cal-marks' }, ...here.map((m) => h('li', { class: `cal-mark ${m.kind}`, 'data-testid': `cal-mark-${m.kind}`, title: fmtDateTime(m.iso) },
        `${m.kind === 'start' ? '▶' : m.kind === 'due' ? '●' : '▲'} ${m.text}`))));
    }
    row.append(cell);
    if ((offset + day) % 7 === 0) {
      body.append(row);
      row = h('tr');
    }
  }
  if (row.childNodes.length) body.append(row);
  return h('table', { class: 'cal-month', 'data-testid': `cal-month-${year}-${String(monthNumber).padStart(2, '0')}` },
    h('caption', {}, title), h('thead', {}, head), body);
}

// ------------------------------------------------------------------------------------ versions and diff

function flatten(value, prefix, out) {
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) {
    out[prefix] = value;
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      flatten(inner, Array.isArray(value) ? `${prefix}[${key}]` : (prefix ? `${prefix}.${key}` : key), out);
    }
  } else {
    out[prefix] = value;
  }
  return out;
}

function leafChanges(before, after) {
  const a = flatten(before ?? {}, '', {});
  const b = flatten(after ?? {}, '', {});
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).map((path) => ({ path, before: a[path], after: b[path] }));
}

/**
 * What changed between two definitions: for teams, steps, fields and root causes, each item added,
 * removed, changed (with its changed properties) or moved; for everything else, the changed properties.
 */
export function diffDefinitions(older, newer) {
  const result = { collections: {}, settings: [] };
  for (const [name, key] of Object.entries(KEYED)) {
    const before = older[name] || [];
    const after = newer[name] || [];
    const oldById = new Map(before.map((item, i) => [item[key], { item, i }]));
    const newById = new Map(after.map((item, i) => [item[key], { item, i }]));
    const entries = [];
    for (const [id, { item, i }] of newById) {
      if (!oldById.has(id)) entries.push({ id, kind: 'added', item, position: i });
    }
    for (const [id, { item, i }] of oldById) {
      if (!newById.has(id)) entries.push({ id, kind: 'removed', item, position: i });
    }
    const keptOld = before.filter((item) => newById.has(item[key])).map((item) => item[key]);
    const keptNew = after.filter((item) => oldById.has(item[key])).map((item) => item[key]);
    for (const [id, { item, i }] of newById) {
      if (!oldById.has(id)) continue;
      const changes = leafChanges(oldById.get(id).item, item);
      const from = keptOld.indexOf(id);
      const to = keptNew.indexOf(id);
      if (changes.length || from !== to) entries.push({ id, kind: 'changed', item, changes, moved: from !== to ? { from: from + 1, to: to + 1 } : null });
    }
    result.collections[name] = entries;
  }
  const rest = (d) => Object.fromEntries(Object.entries(d).filter(([k]) => !(k in KEYED)));
  result.settings = leafChanges(rest(older), rest(newer));
  return result;
}

// 'escalation[0].notify[1].value' -> 'Escalation level 1 › Notify 2 › Value'
function readablePath(path) {
  return path.split('.').map((part) => {
    const match = part.match(/^([a-z_]+)((?:\[\d+\])*)$/);
    if (!match) return part;
    const [, name, indexes] = match;
    const text = FIELD_LABELS.en[name] ? label(name) : name;
    const numbers = [...indexes.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]) + 1);
    return numbers.length ? `${text} ${numbers.join('.')}` : text;
  }).join(' › ');
}

function shown(value) {
  if (value === undefined || value === null || value === '') return '—';
  if (value === true) return t('categories.yes');
  if (value === false) return t('categories.no');
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

function changeTable(changes, testid) {
  return h('table', { class: 'data-table diff-table', 'data-testid': testid },
    h('thead', {}, h('tr', {}, ...['what', 'before', 'after'].map((k) => h('th', { scope: 'col' }, t(`categories.diff.${k}`))))),
    h('tbody', {}, ...changes.map((c) => h('tr', {},
      h('th', { scope: 'row' }, readablePath(c.path)),
      h('td', { class: 'diff-before' }, h('del', {}, shown(c.before))),
      h('td', { class: 'diff-after' }, h('ins', {}, shown(c.after)))))));
}

function itemName(collection, item, id) {
  if (collection === 'steps') return named(item.names, item.title || id);
  if (collection === 'teams') return named(item.names, item.name || id);
  if (collection === 'fields') return named(item.labels, id);
  return named(item.names, id);
}

export function drawDiff(older, newer) {
  const diff = diffDefinitions(older.definition, newer.definition);
  const wrap = h('div', { class: 'diff', 'data-testid': 'cat-diff' },
    h('h3', {}, t('categories.diffTitle', { from: older.version, to: newer.version })));
  let any = false;
  for (const [collection, entries] of Object.entries(diff.collections)) {
    if (!entries.length) continue;
    any = true;
    const list = h('ul', { class: 'diff-list' }, ...entries.map((entry) => {
      const li = h('li', { class: `diff-${entry.kind}`, 'data-testid': `diff-${collection}-${entry.id}`, 'data-kind': entry.kind },
        h('span', { class: `badge diff-badge ${entry.kind}` }, t(`categories.diff.${entry.kind}`)), ' ',
        h('strong', {}, itemName(collection, entry.item, entry.id)), ' ', h('code', {}, entry.id));
      if (entry.moved) li.append(' — ', t('categories.diff.moved', entry.moved));
      if (entry.changes && entry.changes.length) li.append(changeTable(entry.changes, `diff-changes-${collection}-${entry.id}`));
      return li;
    }));
    wrap.append(h('section', { class: 'diff-section' }, h('h4', {}, label(collection)), list));
  }
  if (diff.settings.length) {
    any = true;
    wrap.append(h('section', { class: 'diff-section' }, h('h4', {}, t('categories.diff.settings')), changeTable(diff.settings, 'diff-settings')));
  }
  if (!any) wrap.append(h('p', { class: 'muted', 'data-testid': 'diff-none' }, t('categories.diffNone')));
  return wrap;
}

function drawVersions(view, ctx) {
  const versions = [...view.versions].sort((a, b) => b.version - a.version);
  const table = h('table', { class: 'data-table', 'data-testid': 'cat-versions' },
    h('thead', {}, h('tr', {}, ...['version', 'publishedAt', 'publishedBy', 'changes'].map((k) => h('th', { scope: 'col' }, t(`categories.col.${k}`))))),
    h('tbody', {}, ...versions.map((v) => h('tr', { 'data-testid': `cat-version-${v.version}` },
      h('th', { scope: 'row' }, String(v.version)),
      h('td', {}, fmtDateTime(v.published_at)),
      h('td', {}, v.published_by),
      h('td', {}, (v.changes || []).map((c) => (c === 'created' ? t('categories.created') : c)).join(', '))))));
  const section = h('section', { class: 'card cat-section', 'aria-labelledby': 'cat-versions-title', 'data-testid': 'cat-section-versions' },
    h('h2', { id: 'cat-versions-title' }, t('categories.versions')), table);
  if (versions.length < 2) {
    section.append(h('p', { class: 'muted' }, t('categories.diff.oneVersion')));
    return section;
  }
  const picker = (id, testid, selected) => h('select', { id, 'data-testid': testid },
    ...versions.map((v) => h('option', { value: String(v.version), ...(v.version === selected ? { selected: true } : {}) }, t('categories.version', { version: v.version }))));
  const fromSelect = picker('cat-diff-from', 'cat-diff-from', versions[1].version);
  const toSelect = picker('cat-diff-to', 'cat-diff-to', versions[0].version);
  const output = h('div', { 'aria-live': 'polite', 'data-testid': 'cat-diff-area' });
  const compare = async () => {
    const base = `/categories/${encodeURIComponent(view.category_id)}/versions/`;
    try {
      const [older, newer] = await Promise.all([ctx.api(base + fromSelect.value), ctx.api(base + toSelect.value)]);
      clear(output);
      output.append(drawDiff(older, newer));
    } catch (error) {
      ctx.toast(error.message, 'error');
    }
  };
  section.append(
    h('div', { class: 'diff-controls' },
      h('div', { class: 'field' }, h('label', { for: 'cat-diff-from' }, t('categories.diffFrom')), fromSelect),
      h('div', { class: 'field' }, h('label', { for: 'cat-diff-to' }, t('categories.diffTo')), toSelect),
      h('button', { type: 'button', class: 'secondary', 'data-testid': 'cat-diff-run', 'on:click': compare }, t('categories.compare'))),
    output);
  return section;
}

// ------------------------------------------------------------------------------------ entry

export async function render(root, params, ctx) {
  const id = params && params.id;
  if (!id) {
    await renderList(root, ctx);
    return;
  }
  clear(root);
  root.append(h('p', { class: 'muted' }, t('categories.loading')));
  if (id === 'new') {
    if (!ctx.user.roles.has('admin')) {
      ctx.navigate('#/categories');
      return;
    }
    await new Editor(root, ctx, null, true).render();
    return;
  }
  const view = await ctx.api(`/categories/${encodeURIComponent(id)}`);
  await new Editor(root, ctx, view, false).render();
}
