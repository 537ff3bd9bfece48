// The ticket page: the customer 360, the plan as a progress line, the timeline, and every action on
// the ticket (reply with canned replies, internal note, files, complete a step, wait for the
// customer, resolve with a root cause and a recovery action, reopen, take and reassign).
// Also the helpers the queue and the board share (due badges, taking a ticket, error display).
import { h, clear, field } from '../js/dom.js';
import { addMessages, fmtDateTime, lang } from '../js/i18n.js';
import { channelName, eventText, namer } from '../js/timeline.js';

export const roles = ['agent', 'manager', 'admin'];

const MANAGERS = ['manager', 'admin'];

addMessages({
  en: {
    'ticket.title': 'Ticket {id}',
    'ticket.back': 'Back to the queue',
    'ticket.refresh': 'Refresh',
    'ticket.changed': 'Someone changed this ticket meanwhile; it has been reloaded.',
    'ticket.failed': 'That did not work: {message}',
    'ticket.notFound': 'There is no ticket {id}.',
    'ticket.moving': 'The plan is moving on to its next step…',
    'ticket.status.open': 'Open',
    'ticket.status.waiting_customer': 'Waiting for the customer',
    'ticket.status.resolved': 'Resolved',
    'ticket.status.closed': 'Closed',
    'ticket.priority.low': 'Low',
    'ticket.priority.normal': 'Normal',
    'ticket.priority.high': 'High',
    'ticket.priority.urgent': 'Urgent',
    'ticket.channel.api': 'API',
    'ticket.channel.web': 'Web form',
    'ticket.channel.phone': 'Phone',
    'ticket.channel.store': 'Store',
    'ticket.channel.social': 'Social media',
    'ticket.channel.email': 'E-mail',
    'ticket.due.breached': 'Breached',
    'ticket.due.atRisk': 'At risk',
    'ticket.due.onTime': 'On time',
    'ticket.due.none': 'No deadline',
    'ticket.facts': 'Details',
    'ticket.status': 'Status',
    'ticket.priority': 'Priority',
    'ticket.channel': 'Channel',
    'ticket.category': 'Category',
    'ticket.created': 'Received',
    'ticket.description': 'What the customer wrote',
    'ticket.assignee': 'Assignee',
    'ticket.nobody': 'Nobody',
    'ticket.take': 'Take',
    'ticket.taken': 'You have ticket {id} now.',
    'ticket.reassign': 'Reassign to',
    'ticket.reassignDo': 'Reassign',
    'ticket.reassigned': 'Ticket {id} given to {person}.',
    'ticket.unassign': 'Give back to the team',
    'ticket.unassigned': 'Ticket {id} is back with the team.',
    'ticket.plan': 'Plan',
    'ticket.plan.noCategory': 'No category yet: no plan.',
    'ticket.plan.done': 'Done',
    'ticket.plan.current': 'Now',
    'ticket.plan.next': 'Next',
    'ticket.plan.later': 'Later',
    'ticket.plan.owner': 'Team: {team}',
    'ticket.plan.due': 'Due {time}',
    'ticket.plan.escalation': 'Escalation level {level}: {name}',
    'ticket.plan.noEscalation': 'Not escalated',
    'ticket.plan.whatNext': 'Next: {step}',
    'ticket.plan.resolution': 'Resolution',
    'ticket.plan.paused': 'Clock stopped since {time} (waiting for the customer)',
    'ticket.customer': 'Customer',
    'ticket.customer.tickets': 'All tickets of this customer',
    'ticket.customer.interactions': 'Interactions across channels',
    'ticket.customer.language': 'Language',
    'ticket.customer.channels': 'Channels',
    'ticket.customer.none': 'Nothing yet.',
    'ticket.timeline': 'Timeline',
    'ticket.timeline.internal': 'Internal',
    'ticket.timeline.public': 'Customer sees it',
    'ticket.reply': 'Reply to the customer',
    'ticket.reply.canned': 'Canned reply',
    'ticket.reply.cannedNone': 'Write my own',
    'ticket.reply.body': 'Message',
    'ticket.reply.files': 'Send these files with it',
    'ticket.reply.send': 'Send to the customer',
    'ticket.reply.sent': 'The reply is on its way to the customer.',
    'ticket.note': 'Internal note',
    'ticket.note.body': 'Note (the customer never sees it)',
    'ticket.note.add': 'Add note',
    'ticket.note.added': 'Note added.',
    'ticket.files': 'Files',
    'ticket.files.none': 'No files yet.',
    'ticket.files.choose': 'File to upload',
    'ticket.files.upload': 'Upload',
    'ticket.files.uploaded': '{name} uploaded.',
    'ticket.files.pending': 'not uploaded yet',
    'ticket.files.download': 'Download {name}',
    'ticket.files.size': '{size} bytes',
    'ticket.files.missing': 'Choose a file first.',
    'ticket.step': 'Current step',
    'ticket.step.notes': 'What was done, or what we need from the customer',
    'ticket.step.complete': 'Complete the step',
    'ticket.step.wait': 'Wait for the customer',
    'ticket.step.completed': 'Step completed.',
    'ticket.step.waiting': 'Waiting for the customer; the clock is stopped.',
    'ticket.step.none': 'No step is waiting for the team right now.',
    'ticket.step.notMember': 'Only the members of {team} or a manager work on this ticket.',
    'ticket.plan.version': 'Plan version {version}, the one this ticket runs.',
    'ticket.resolve': 'Resolve',
    'ticket.resolve.resolution': 'Resolution (the customer receives it)',
    'ticket.resolve.rootCause': 'Root cause',
    'ticket.resolve.choose': 'Choose…',
    'ticket.resolve.recovery': 'Recovery action',
    'ticket.resolve.recoveryNone': 'None',
    'ticket.resolve.apology': 'Apology',
    'ticket.resolve.compensation': 'Compensation',
    'ticket.resolve.compensationType': 'Kind of compensation (refund, credit, voucher…)',
    'ticket.resolve.amount': 'Amount',
    'ticket.resolve.currency': 'Currency (TRY, EUR…)',
    'ticket.resolve.recoveryNote': 'Note on the recovery action',
    'ticket.resolve.do': 'Resolve the ticket',
    'ticket.resolve.done': 'Resolved; the customer is told.',
    'ticket.reopen': 'Reopen',
    'ticket.reopen.reason': 'Why reopen',
    'ticket.reopen.do': 'Reopen the ticket',
    'ticket.reopen.done': 'Reopened; the last step starts again.',
    'ticket.resolution': 'Resolution',
    'ticket.rootCause': 'Root cause',
  },
  tr: {
    'ticket.title': 'Kayıt {id}',
    'ticket.back': 'Kuyruğa dön',
    'ticket.refresh': 'Yenile',
    'ticket.changed': 'Bu kayıt bu arada başkası tarafından değiştirildi; yeniden yüklendi.',
    'ticket.failed': 'Olmadı: {message}',
    'ticket.notFound': '{id} numaralı kayıt yok.',
    'ticket.moving': 'Plan bir sonraki adıma geçiyor…',
    'ticket.status.open': 'Açık',
    'ticket.status.waiting_customer': 'Müşteriden yanıt bekleniyor',
    'ticket.status.resolved': 'Çözüldü',
    'ticket.status.closed': 'Kapandı',
    'ticket.priority.low': 'Düşük',
    'ticket.priority.normal': 'Olağan',
    'ticket.priority.high': 'Yüksek',
    'ticket.priority.urgent': 'Acil',
    'ticket.channel.api': 'Uygulama arayüzü',
    'ticket.channel.web': 'Web formu',
    'ticket.channel.phone': 'Telefon',
    'ticket.channel.store': 'Mağaza',
    'ticket.channel.social': 'Sosyal medya',
    'ticket.channel.email': 'E-posta',
    'ticket.due.breached': 'Süre aşıldı',
    'ticket.due.atRisk': 'Süre dolmak üzere',
    'ticket.due.onTime': 'Zamanında',
    'ticket.due.none': 'Son tarih yok',
    'ticket.facts': 'Ayrıntılar',
    'ticket.status': 'Durum',
    'ticket.priority': 'Öncelik',
    'ticket.channel': 'Kanal',
    'ticket.category': 'Kategori',
    'ticket.created': 'Alındı',
    'ticket.description': 'Müşterinin yazdığı',
    'ticket.assignee': 'Üstlenen',
    'ticket.nobody': 'Kimse',
    'ticket.take': 'Üstlen',
    'ticket.taken': '{id} kaydı artık sizde.',
    'ticket.reassign': 'Şuna ver',
    'ticket.reassignDo': 'Başkasına ver',
    'ticket.reassigned': '{id} kaydı {person} kişisine verildi.',
    'ticket.unassign': 'Ekibe geri ver',
    'ticket.unassigned': '{id} kaydı yeniden ekipte.',
    'ticket.plan': 'Plan',
    'ticket.plan.noCategory': 'Henüz kategori yok: plan yok.',
    'ticket.plan.done': 'Bitti',
    'ticket.plan.current': 'Şimdi',
    'ticket.plan.next': 'Sıradaki',
    'ticket.plan.later': 'Sonra',
    'ticket.plan.owner': 'Ekip: {team}',
    'ticket.plan.due': 'Son tarih {time}',
    'ticket.plan.escalation': '{level}. üst kademe: {name}',
    'ticket.plan.noEscalation': 'Üst kademeye iletilmedi',
    'ticket.plan.whatNext': 'Sıradaki: {step}',
    'ticket.plan.resolution': 'Çözüm',
    'ticket.plan.paused': '{time} tarihinden beri süre durdu (müşteri bekleniyor)',
    'ticket.customer': 'Müşteri',
    'ticket.customer.tickets': 'Müşterinin bütün kayıtları',
    'ticket.customer.interactions': 'Kanallar arası etkileşimler',
    'ticket.customer.language': 'Dil',
    'ticket.customer.channels': 'Kanallar',
    'ticket.customer.none': 'Henüz bir şey yok.',
    'ticket.timeline': 'Zaman çizelgesi',
    'ticket.timeline.internal': 'İç',
    'ticket.timeline.public': 'Müşteri görür',
    'ticket.reply': 'Müşteriye yanıt',
    'ticket.reply.canned': 'Hazır yanıt',
    'ticket.reply.cannedNone': 'Kendim yazacağım',
    'ticket.reply.body': 'İleti',
    'ticket.reply.files': 'Bu dosyaları da gönder',
    'ticket.reply.send': 'Müşteriye gönder',
    'ticket.reply.sent': 'Yanıt müşteriye gönderiliyor.',
    'ticket.note': 'İç not',
    'ticket.note.body': 'Not (müşteri hiç görmez)',
    'ticket.note.add': 'Not ekle',
    'ticket.note.added': 'Not eklendi.',
    'ticket.files': 'Dosyalar',
    'ticket.files.none': 'Henüz dosya yok.',
    'ticket.files.choose': 'Yüklenecek dosya',
    'ticket.files.upload': 'Yükle',
    'ticket.files.uploaded': '{name} yüklendi.',
    'ticket.files.pending': 'henüz yüklenmedi',
    'ticket.files.download': '{name} indir',
    'ticket.files.size': '{size} bayt',
    'ticket.files.missing': 'Önce bir dosya seçin.',
    'ticket.step': 'Şimdiki adım',
    'ticket.step.notes': 'Yapılan iş ya da müşteriden istenen',
    'ticket.step.complete': 'Adımı tamamla',
    'ticket.step.wait': 'Müşteriyi bekle',
    'ticket.step.completed': 'Adım tamamlandı.',
    'ticket.step.waiting': 'Müşteri bekleniyor; süre durdu.',
    'ticket.step.none': 'Şu an ekibi bekleyen bir adım yok.',
    'ticket.step.notMember': 'Bu kayıt üzerinde yalnızca {team} üyeleri veya bir yönetici çalışır.',
    'ticket.plan.version': 'Planın {version}. sürümü: bu kaydın izlediği sürüm.',
    'ticket.resolve': 'Çözüme kavuştur',
    'ticket.resolve.resolution': 'Çözüm (müşteriye gider)',
    'ticket.resolve.rootCause': 'Kök neden',
    'ticket.resolve.choose': 'Seçin…',
    'ticket.resolve.recovery': 'Telafi',
    'ticket.resolve.recoveryNone': 'Yok',
    'ticket.resolve.apology': 'Özür',
    'ticket.resolve.compensation': 'Tazminat',
    'ticket.resolve.compensationType': 'Tazminat türü (iade, alacak, kupon…)',
    'ticket.resolve.amount': 'Tutar',
    'ticket.resolve.currency': 'Para birimi (TRY, EUR…)',
    'ticket.resolve.recoveryNote': 'Telafi notu',
    'ticket.resolve.do': 'Kaydı çöz',
    'ticket.resolve.done': 'Çözüldü; müşteriye bildiriliyor.',
    'ticket.reopen': 'Yeniden aç',
    'ticket.reopen.reason': 'Neden yeniden açılıyor',
    'ticket.reopen.do': 'Kaydı yeniden aç',
    'ticket.reopen.done': 'Yeniden açıldı; son adım yeniden başlıyor.',
    'ticket.resolution': 'Çözüm',
    'ticket.rootCause': 'Kök neden',
  },
  lv: {
    'ticket.title': 'Pieteikums {id}',
    'ticket.back': 'Atpakaļ uz rindu',
    'ticket.refresh': 'Atjaunot',
    'ticket.changed': 'Kāds pa to laiku mainīja šo pieteikumu; tas ir ielādēts no jauna.',
    'ticket.failed': 'Neizdevās: {message}',
    'ticket.notFound': 'Pieteikuma {id} nav.',
    'ticket.moving': 'Plāns pāriet uz nākamo soli…',
    'ticket.status.open': 'Atvērts',
    'ticket.status.waiting_customer': 'Gaida klientu',
    'ticket.status.resolved': 'Atrisināts',
    'ticket.status.closed': 'Slēgts',
    'ticket.priority.low': 'Zema',
    'ticket.priority.normal': 'Parasta',
    'ticket.priority.high': 'Augsta',
    'ticket.priority.urgent': 'Steidzama',
    'ticket.channel.api': 'Lietotnes saskarne',
    'ticket.channel.web': 'Tīmekļa veidlapa',
    'ticket.channel.phone': 'Tālrunis',
    'ticket.channel.store': 'Veikals',
    'ticket.channel.social': 'Sociālie tīkli',
    'ticket.channel.email': 'E-pasts',
    'ticket.due.breached': 'Termiņš nokavēts',
    'ticket.due.atRisk': 'Termiņš tuvojas',
    'ticket.due.onTime': 'Laikā',
    'ticket.due.none': 'Bez termiņa',
    'ticket.facts': 'Informācija',
    'ticket.status': 'Statuss',
    'ticket.priority': 'Prioritāte',
    'ticket.channel': 'Kanāls',
    'ticket.category': 'Kategorija',
    'ticket.created': 'Saņemts',
    'ticket.description': 'Ko klients rakstīja',
    'ticket.assignee': 'Atbildīgais',
    'ticket.nobody': 'Neviens',
    'ticket.take': 'Paņemt',
    'ticket.taken': 'Pieteikums {id} tagad ir jūsu.',
    'ticket.reassign': 'Nodot',
    'ticket.reassignDo': 'Nodot citam',
    'ticket.reassigned': 'Pieteikums {id} nodots: {person}.',
    'ticket.unassign': 'Atdot komandai',
    'ticket.unassigned': 'Pieteikums {id} atkal ir komandai.',
    'ticket.plan': 'Plāns',
    'ticket.plan.noCategory': 'Vēl nav kategorijas: nav plāna.',
    'ticket.plan.done': 'Paveikts',
    'ticket.plan.current': 'Tagad',
    'ticket.plan.next': 'Nākamais',
    'ticket.plan.later': 'Vēlāk',
    'ticket.plan.owner': 'Komanda: {team}',
    'ticket.plan.due': 'Termiņš {time}',
    'ticket.plan.escalation': 'Eskalācijas līmenis {level}: {name}',
    'ticket.plan.noEscalation': 'Nav eskalēts',
    'ticket.plan.whatNext': 'Nākamais: {step}',
    'ticket.plan.resolution': 'Atrisinājums',
    'ticket.plan.paused': 'Laiks apturēts kopš {time} (gaida klientu)',
    'ticket.customer': 'Klients',
    'ticket.customer.tickets': 'Visi klienta pieteikumi',
    'ticket.customer.interactions': 'Saziņa visos kanālos',
    'ticket.customer.language': 'Valoda',
    'ticket.customer.channels': 'Kanāli',
    'ticket.customer.none': 'Vēl nekā nav.',
    'ticket.timeline': 'Notikumu gaita',
    'ticket.timeline.internal': 'Iekšēji',
    'ticket.timeline.public': 'Klients redz',
    'ticket.reply': 'Atbilde klientam',
    'ticket.reply.canned': 'Sagatavota atbilde',
    'ticket.reply.cannedNone': 'Rakstīšu pats',
    'ticket.reply.body': 'Ziņa',
    'ticket.reply.files': 'Pievienot šīs datnes',
    'ticket.reply.send': 'Sūtīt klientam',
    'ticket.reply.sent': 'Atbilde tiek sūtīta klientam.',
    'ticket.note': 'Iekšēja piezīme',
    'ticket.note.body': 'Piezīme (klients to neredz)',
    'ticket.note.add': 'Pievienot piezīmi',
    'ticket.note.added': 'Piezīme pievienota.',
    'ticket.files': 'Datnes',
    'ticket.files.none': 'Vēl nav datņu.',
    'ticket.files.choose': 'Augšupielādējamā datne',
    'ticket.files.upload': 'Augšupielādēt',
    'ticket.files.uploaded': '{name} augšupielādēta.',
    'ticket.files.pending': 'vēl nav augšupielādēta',
    'ticket.files.download': 'Lejupielādēt {name}',
    'ticket.files.size': '{size} baiti',
    'ticket.files.missing': 'Vispirms izvēlieties datni.',
    'ticket.step': 'Pašreizējais solis',
    'ticket.step.notes': 'Kas paveikts vai kas vajadzīgs no klienta',
    'ticket.step.complete': 'Pabeigt soli',
    'ticket.step.wait': 'Gaidīt klientu',
    'ticket.step.completed': 'Solis pabeigts.',
    'ticket.step.waiting': 'Gaida klientu; laiks apturēts.',
    'ticket.step.none': 'Pašlaik neviens solis negaida komandu.',
    'ticket.step.notMember': 'Ar šo pieteikumu strādā tikai komandas {team} dalībnieki vai vadītājs.',
    'ticket.plan.version': 'Plāna versija {version}, pēc kuras iet šis pieteikums.',
    'ticket.resolve': 'Atrisināt',
    'ticket.resolve.resolution': 'Atrisinājums (klients to saņem)',
    'ticket.resolve.rootCause': 'Pamatcēlonis',
    'ticket.resolve.choose': 'Izvēlieties…',
    'ticket.resolve.recovery': 'Kompensējoša darbība',
    'ticket.resolve.recoveryNone': 'Nav',
    'ticket.resolve.apology': 'Atvainošanās',
    'ticket.resolve.compensation': 'Kompensācija',
    'ticket.resolve.compensationType': 'Kompensācijas veids (atmaksa, kredīts, kupons…)',
    'ticket.resolve.amount': 'Summa',
    'ticket.resolve.currency': 'Valūta (TRY, EUR…)',
    'ticket.resolve.recoveryNote': 'Piezīme par kompensāciju',
    'ticket.resolve.do': 'Atrisināt pieteikumu',
    'ticket.resolve.done': 'Atrisināts; klientam tiek paziņots.',
    'ticket.reopen': 'Atvērt no jauna',
    'ticket.reopen.reason': 'Kāpēc atvērt no jauna',
    'ticket.reopen.do': 'Atvērt pieteikumu no jauna',
    'ticket.reopen.done': 'Atvērts no jauna; pēdējais solis sākas vēlreiz.',
    'ticket.resolution': 'Atrisinājums',
    'ticket.rootCause': 'Pamatcēlonis',
  },
});

// ------------------------------------------------------------------ helpers shared with the queue and board

/** A name in the user's language from a {tr, en, lv} map (else English, else any). */
export function localName(names, fallback = '') {
  if (!names) return fallback;
  return names[lang()] || names.en || Object.values(names)[0] || fallback;
}

export function categoryName(category) {
  return category ? localName(category.names, category.category_id) : '';
}

export function teamName(team) {
  return team ? localName(team.names, team.name || team.id) : '';
}

let catalogue = null;

/** Every published category (names) and every team: [categories, teams]; read once per page load. */
export async function loadCategories(api) {
  if (catalogue) return catalogue;
  const listed = await api('/categories');
  let teams = [];
  try {
    const answer = await api('/teams');
    teams = (answer.teams || []).map((team) => ({ ...team, id: team.team_id || team.id }));
  } catch {
    teams = [];
  }
  catalogue = [listed.categories || [], teams];
  setTimeout(() => {
    catalogue = null;
  }, 60000);
  return catalogue;
}

const definitions = new Map();

/** The category with its current definition (steps, teams, root causes, escalation ladders). */
export async function loadCategory(api, categoryId) {
  if (!definitions.has(categoryId)) definitions.set(categoryId, await api(`/categories/${encodeURIComponent(categoryId)}`));
  return definitions.get(categoryId);
}

const versions = new Map(); // a published version never changes: kept for the page's life

/**
 * The plan a ticket runs: the published version it started on (GET /categories/{id}/versions/{n}),
 * shaped as loadCategory's answer; the current definition for a ticket that names no version.
 */
export async function loadTicketPlan(api, ticket) {
  const version = Number(ticket.category_version || 0);
  if (!version) return loadCategory(api, ticket.category);
  const key = `${ticket.category}@${version}`;
  if (!versions.has(key)) {
    const path = `/categories/${encodeURIComponent(ticket.category)}/versions/${version}`;
    const answer = await api(path);
    versions.set(key, { ...answer, names: answer.definition && answer.definition.names });
  }
  return versions.get(key);
}

/** Breached / at risk / on time, with an icon AND words (never colour alone). */
export function dueBadge(t, ticket) {
  const [kind, icon, key] = ticket.breached
    ? ['breached', '✖', 'ticket.due.breached']
    : ticket.at_risk
      ? ['at-risk', '⚠', 'ticket.due.atRisk']
      : ticket.due_at
        ? ['on-time', '◷', 'ticket.due.onTime']
        : ['none', '–', 'ticket.due.none'];
  return h(
    'span',
    { class: `due-badge due-${kind}`, 'data-testid': 'due-badge', 'data-due': kind },
    h('span', { 'aria-hidden': 'true', class: 'due-icon' }, icon),
    ' ',
    t(key),
  );
}

/** Who has a ticket now: a person (lower-case e-mail) or null. */
export function assigneeOf(ticket) {
  const who = ticket.assignee;
  if (!who) return null;
  return memberEmail(who);
}

/** A team member or an assignee as the API gives it (an e-mail, or an object with one), lower-case. */
export function memberEmail(member) {
  const email = typeof member === 'string' ? member : member.email || member.username || '';
  return email.toLowerCase();
}

/** Whether ``email`` (lower-case) is a member of ``team`` (as GET /teams gives it; null: no team). */
export function isMember(team, email) {
  return !!team && (team.members || []).some((m) => memberEmail(m) === email);
}

/** Give the ticket to ``person`` (a staff e-mail of the owner team), or back to the team (null). */
export async function assignTicket(api, ticket, person) {
  const path = `/tickets/${encodeURIComponent(ticket.ticket_id)}`;
  if (!person) return api(`${path}/unassign`, { method: 'POST', body: { version: ticket.version } });
  return api(`${path}/assign`, { method: 'POST', body: { assignee: person, version: ticket.version } });
}

/** The signed-in user takes the ticket (a member of its owner team). */
export async function takeTicket(api, ticket) {
  return api(`/tickets/${encodeURIComponent(ticket.ticket_id)}/take`, { method: 'POST', body: { version: ticket.version } });
}

/**
 * Show an API error: each details[].field next to its field in ``form`` (elements marked
 * data-error-for), the rest in ``message``; a 409 tells the user and calls ``onConflict``.
 */
export function showError(ctx, error, message, form, onConflict) {
  const { t } = ctx;
  clearErrors(form);
  if (error && error.status === 409 && onConflict) {
    ctx.toast(t('ticket.changed'), 'warning');
    onConflict();
    return;
  }
  const loose = [];
  for (const detail of (error && error.details) || []) {
    const slot = form && form.querySelector(`[data-error-for="${CSS.escape(detail.field)}"]`);
    if (slot) slot.setError(detail.message);
    else loose.push(`${detail.field}: ${detail.message}`);
  }
  const text = loose.length || !(error && error.details && error.details.length)
    ? t('ticket.failed', { message: [error && error.message, ...loose].filter(Boolean).join(' — ') })
    : '';
  if (message) message.textContent = text;
  else if (text) ctx.toast(text, 'error');
}

/** A labelled input with its error message next to it (dom.field), found by ``name`` = details[].field. */
export function labelled(label, input, name) {
  if (name) input.setAttribute('name', name);
  const wrapper = field(label, input);
  if (name) wrapper.setAttribute('data-error-for', name);
  return wrapper;
}

function clearErrors(form) {
  if (form) for (const el of form.querySelectorAll('[data-error-for]')) el.setError(null);
}

function busy(form, on) {
  for (const el of form.querySelectorAll('button, input, select, textarea')) el.disabled = on;
}

/** Run ``action`` for a form: fields disabled meanwhile, errors shown, 409 reloads. */
// A ticket page is aria-busy while a request of its forms or a drawing is on its way (counted: two
// may overlap), so nobody — a screen reader, a test — takes a half-drawn page for the answer.
function hold(root) {
  if (!root) return;
  root.pending = (root.pending || 0) + 1;
  root.setAttribute('aria-busy', 'true');
}

function release(root) {
  if (!root) return;
  root.pending = Math.max(0, (root.pending || 0) - 1);
  if (!root.pending) root.removeAttribute('aria-busy');
}

async function submitting(ctx, form, message, reload, action) {
  // Disabling the pressed button takes the focus from it: give it back after, for keyboard users.
  const pressed = document.activeElement;
  const page = form.closest('[data-ticket-page]');
  hold(page);
  busy(form, true);
  message.textContent = '';
  clearErrors(form);
  try {
    await action();
    return true;
  } catch (error) {
    showError(ctx, error, message, form, reload);
    return false;
  } finally {
    busy(form, false);
    release(page);
    if (pressed && form.contains(pressed) && pressed.isConnected) pressed.focus();
  }
}

// ------------------------------------------------------------------ the page

let drawings = 0; // how many times a ticket page was drawn: a pending look-again checks it is still the latest

export async function render(root, params, ctx) {
  const { api, t, user } = ctx;
  const me = (user.email || '').toLowerCase();
  const id = params.id;
  const mine = ++drawings; // a drawing started later (a second reload) wins over this one
  root.setAttribute('data-ticket-page', '');
  let ticket;
  try {
    ticket = await api(`/tickets/${encodeURIComponent(id)}`);
  } catch (error) {
    clear(root);
    root.append(h('h1', {}, t('ticket.title', { id })));
    root.append(h('p', { role: 'alert', class: 'form-error' }, error.status === 404 ? t('ticket.notFound', { id }) : t('ticket.failed', { message: error.message })));
    return;
  }
  // Drawn again after every action; the keyboard focus stays on the control that had it (or the title).
  const reload = async () => {
    const focused = document.activeElement && document.activeElement.getAttribute('data-testid');
    hold(root); // aria-busy until every pending drawing is done
    try {
      await render(root, params, ctx);
    } finally {
      release(root);
    }
    const again = focused && root.querySelector(`[data-testid="${CSS.escape(focused)}"]`);
    const target = again && !again.disabled ? again : root.querySelector('h1');
    if (target && root.isConnected) target.focus();
  };
  const [definition, customer, timeline, files, replies, team] = await Promise.all([
    ticket.category ? loadTicketPlan(api, ticket).catch(() => null) : null,
    api(`/customers/${encodeURIComponent(ticket.customer_id)}`).catch(() => null),
    api(`/tickets/${encodeURIComponent(id)}/timeline`, { query: { limit: 500 } }),
    api(`/tickets/${encodeURIComponent(id)}/attachments`),
    ticket.category
      ? api(`/categories/${encodeURIComponent(ticket.category)}/canned-replies`, { query: { language: ticket.language } }).catch(() => ({ replies: [] }))
      : { replies: [] },
    // the owner team's members: whom a manager reassigns to, and whether an agent works on it
    ticket.owner_team ? api(`/teams/${encodeURIComponent(ticket.owner_team)}`).catch(() => null) : null,
  ]);
  // The customer's other tickets' lines name their steps, teams and levels as their categories do.
  const categoryOf = new Map(((customer && customer.tickets) || []).map((other) => [other.ticket_id, other.category]));
  const otherCategories = [...new Set(categoryOf.values())].filter((c) => c && c !== ticket.category);
  const otherPlans = new Map(await Promise.all(otherCategories.map(async (c) => [c, await loadCategory(api, c).catch(() => null)])));
  if (mine !== drawings) return;
  const defn = definition ? definition.definition : null;
  const active = ['open', 'waiting_customer'].includes(ticket.status);
  // Who completes, parks, resolves or reopens (the API decides the same): a manager or admin, or an
  // agent who is a member of the owner team; a ticket no team owns is any agent's.
  const member = isMember(team, me);
  const mayWork = MANAGERS.some((r) => user.roles.has(r)) || (user.roles.has('agent') && (!ticket.owner_team || member));

  clear(root);
  const heading = h('h1', { 'data-testid': 'ticket-title', tabindex: '-1' }, t('ticket.title', { id: ticket.ticket_id }), ' — ', ticket.subject);
  const toolbar = h('div', { class: 'ticket-toolbar' },
    h('a', { href: '#/queue', 'data-testid': 'ticket-back' }, t('ticket.back')),
    h('button', { type: 'button', 'data-testid': 'ticket-refresh', 'on:click': reload }, t('ticket.refresh')),
  );
  root.append(toolbar, heading);

  // ---- facts and who has it
  const teamLabel = (teamId) => {
    const named = defn && (defn.teams || []).find((x) => x.id === teamId);
    return named ? localName(named.names, named.name || teamId) : teamId || '—';
  };
  const dl = (pairs) => h('dl', { class: 'facts' }, ...pairs.flatMap(([k, v, testid]) => [h('dt', {}, k), h('dd', testid ? { 'data-testid': testid } : {}, v)]));
  const assignee = assigneeOf(ticket);
  const assignBox = h('div', { class: 'assign' });
  const assignMessage = h('p', { class: 'form-error action-message', role: 'alert' });
  if (active) {
    // Only a member of the owner team takes a ticket (the API refuses anyone else with 403).
    if (assignee !== me && member) {
      assignBox.append(h('button', { type: 'button', class: 'primary', 'data-testid': 'ticket-take', 'on:click': async () => {
        if (await submitting(ctx, assignBox, assignMessage, reload, () => takeTicket(api, ticket))) {
          ctx.toast(t('ticket.taken', { id }), 'success');
          reload();
        }
      } }, t('ticket.take')));
    }
    if (user.roles.has('manager') || user.roles.has('admin')) {
      const members = team ? (team.members || []).map(memberEmail) : [];
      const picker = h('select', { 'data-testid': 'ticket-reassign-to' }, ...members.map((m) => h('option', { value: m }, m)));
      assignBox.append(
        labelled(t('ticket.reassign'), picker, 'assignee'),
        h('button', { type: 'button', 'data-testid': 'ticket-reassign', 'on:click': async () => {
          const person = picker.value;
          if (await submitting(ctx, assignBox, assignMessage, reload, () => assignTicket(api, ticket, person))) {
            ctx.toast(t('ticket.reassigned', { id, person }), 'success');
            reload();
          }
        } }, t('ticket.reassignDo')),
      );
    }
    if (assignee && (assignee === me || MANAGERS.some((r) => user.roles.has(r)))) {
      assignBox.append(h('button', { type: 'button', 'data-testid': 'ticket-unassign', 'on:click': async () => {
        if (await submitting(ctx, assignBox, assignMessage, reload, () => assignTicket(api, ticket, null))) {
          ctx.toast(t('ticket.unassigned', { id }), 'success');
          reload();
        }
      } }, t('ticket.unassign')));
    }
  }
  const facts = h('section', { class: 'card ticket-facts', 'aria-labelledby': 'facts-h' },
    h('h2', { id: 'facts-h' }, t('ticket.facts')),
    dl([
      [t('ticket.status'), t(`ticket.status.${ticket.status}`), 'ticket-status'],
      [t('ticket.priority'), t(`ticket.priority.${ticket.priority}`)],
      [t('ticket.channel'), t(`ticket.channel.${ticket.channel}`)],
      [t('ticket.category'), definition ? localName(definition.names, ticket.category) : ticket.category || '—'],
      [t('ticket.created'), fmtDateTime(ticket.created_at)],
      [t('ticket.assignee'), assignee || t('ticket.nobody'), 'ticket-assignee'],
      ...(ticket.resolution ? [[t('ticket.resolution'), ticket.resolution]] : []),
      ...(ticket.root_cause ? [[t('ticket.rootCause'), rootCauseName(defn, ticket.root_cause)]] : []),
    ]),
    h('h3', {}, t('ticket.description')),
    h('p', { class: 'description' }, ticket.description),
    assignBox,
    assignMessage,
  );

  // ---- the plan as a progress line
  const plan = h('section', { class: 'card ticket-plan', 'aria-labelledby': 'plan-h' }, h('h2', { id: 'plan-h' }, t('ticket.plan')));
  const wf = ticket.workflow || {};
  if (!defn) plan.append(h('p', {}, t('ticket.plan.noCategory')));
  else {
    // the steps of the version the ticket started on (loadTicketPlan), not the category's newest
    if (ticket.category_version) plan.append(h('p', { 'data-testid': 'plan-version', 'data-version': String(ticket.category_version) }, t('ticket.plan.version', { version: ticket.category_version })));
    const steps = defn.steps || [];
    const finished = ['resolved', 'closed'].includes(ticket.status);
    let at = steps.findIndex((s) => s.id === wf.current_step);
    if (finished || wf.current_step === 'resolution') at = steps.length;
    const line = h('ol', { class: 'progress-line', 'data-testid': 'ticket-plan' });
    steps.forEach((step, index) => {
      const state = index < at ? 'done' : index === at ? 'current' : index === at + 1 ? 'next' : 'later';
      const item = h('li', { class: `plan-step plan-${state}`, 'data-step': step.id, 'aria-current': state === 'current' ? 'step' : undefined },
        h('span', { class: 'plan-mark', 'aria-hidden': 'true' }, state === 'done' ? '✓' : state === 'current' ? '●' : '○'),
        h('strong', {}, localName(step.names, step.title || step.id)),
        h('span', { class: 'plan-state' }, t(`ticket.plan.${state}`)),
        h('span', {}, t('ticket.plan.owner', { team: teamLabel(step.owner_team) })),
      );
      if (state === 'current') {
        item.append(h('span', { 'data-testid': 'plan-assignee' }, `${t('ticket.assignee')}: ${assignee || t('ticket.nobody')}`));
        if (wf.due_at) item.append(h('span', {}, t('ticket.plan.due', { time: fmtDateTime(wf.due_at) }), ' ', dueBadge(t, { ...ticket, ...wf })));
        const level = Number(wf.escalation_level || 0);
        const rung = level > 0 ? (step.escalation || [])[level - 1] : null;
        item.append(h('span', { 'data-testid': 'plan-escalation' }, level > 0
          ? t('ticket.plan.escalation', { level, name: rung ? localName(rung.names, rung.label) : '' })
          : t('ticket.plan.noEscalation')));
        if (wf.paused_since) item.append(h('span', {}, t('ticket.plan.paused', { time: fmtDateTime(wf.paused_since) })));
      }
      line.append(item);
    });
    line.append(h('li', { class: `plan-step plan-${finished ? 'done' : at >= steps.length ? 'current' : 'later'}` },
      h('span', { class: 'plan-mark', 'aria-hidden': 'true' }, finished ? '✓' : '○'),
      h('strong', {}, t('ticket.plan.resolution'))));
    plan.append(line);
    const next = steps.find((s) => s.id === wf.next_step);
    if (active && (next || wf.next_step === 'resolution')) {
      plan.append(h('p', { 'data-testid': 'plan-next' }, t('ticket.plan.whatNext', { step: next ? localName(next.names, next.title) : t('ticket.plan.resolution') })));
    }
    if (ticket.status === 'open' && !wf.current_step) {
      plan.append(h('p', { 'data-testid': 'plan-moving', 'aria-live': 'polite' }, t('ticket.moving')));
    }
  }

  // ---- actions
  const actions = h('section', { class: 'card ticket-actions', 'aria-labelledby': 'actions-h' });
  actions.append(h('h2', { id: 'actions-h', class: 'visually-hidden' }, t('ticket.step')));
  const uploaded = (files.attachments || []).filter((f) => f.state === 'uploaded');

  if (active) {
    // reply to the customer
    const body = h('textarea', { rows: '6', 'data-testid': 'reply-body' });
    const canned = h('select', { 'data-testid': 'reply-canned' },
      h('option', { value: '' }, t('ticket.reply.cannedNone')),
      ...(replies.replies || []).map((r) => h('option', { value: r.reply_id }, r.title)));
    const message = h('p', { class: 'form-error action-message', role: 'alert' });
    const fileChecks = uploaded.map((f) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', value: f.attachment_id, 'data-testid': `reply-file-${f.filename}` }), ' ', f.filename));
    const form = h('form', { class: 'ticket-form', 'data-testid': 'reply-form', 'aria-labelledby': 'reply-h' },
      h('h2', { id: 'reply-h' }, t('ticket.reply')),
      labelled(t('ticket.reply.canned'), canned, 'canned_reply_id'),
      labelled(t('ticket.reply.body'), body, 'body'),
      ...(fileChecks.length ? [h('fieldset', {}, h('legend', {}, t('ticket.reply.files')), ...fileChecks)] : []),
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'reply-send' }, t('ticket.reply.send')),
      message);
    canned.addEventListener('change', async () => {
      if (!canned.value) return;
      await submitting(ctx, form, message, reload, async () => {
        const filled = await api(`/tickets/${encodeURIComponent(id)}/canned-replies/${encodeURIComponent(canned.value)}`, { query: { language: ticket.language } });
        body.value = filled.text;
      });
      canned.focus();
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const attachmentIds = fileChecks.map((l) => l.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
      const sent = { body: body.value, visibility: 'public', ...(attachmentIds.length ? { attachment_ids: attachmentIds } : {}) };
      if (await submitting(ctx, form, message, reload, () => api(`/tickets/${encodeURIComponent(id)}/comments`, { method: 'POST', body: sent }))) {
        ctx.toast(t('ticket.reply.sent'), 'success');
        reload();
      }
    });
    actions.append(form);
  }

  {
    // internal note
    const body = h('textarea', { rows: '3', 'data-testid': 'note-body' });
    const message = h('p', { class: 'form-error action-message', role: 'alert' });
    const form = h('form', { class: 'ticket-form', 'data-testid': 'note-form', 'aria-labelledby': 'note-h' },
      h('h2', { id: 'note-h' }, t('ticket.note')),
      labelled(t('ticket.note.body'), body, 'body'),
      h('button', { type: 'submit', 'data-testid': 'note-add' }, t('ticket.note.add')),
      message);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (await submitting(ctx, form, message, reload, () => api(`/tickets/${encodeURIComponent(id)}/comments`, { method: 'POST', body: { body: body.value, visibility: 'internal' } }))) {
        ctx.toast(t('ticket.note.added'), 'success');
        reload();
      }
    });
    actions.append(form);
  }

  if (active && !mayWork) {
    actions.append(h('p', { 'data-testid': 'step-not-member' }, t('ticket.step.notMember', { team: teamLabel(ticket.owner_team) })));
  } else if (active && wf.current_step && wf.current_step !== 'resolution' && ticket.status === 'open') {
    // complete the step, or wait for the customer
    const step = defn && (defn.steps || []).find((s) => s.id === wf.current_step);
    const notes = h('textarea', { rows: '3', 'data-testid': 'step-notes' });
    const message = h('p', { class: 'form-error action-message', role: 'alert' });
    const form = h('form', { class: 'ticket-form', 'data-testid': 'step-form', 'aria-labelledby': 'step-h' },
      h('h2', { id: 'step-h' }, t('ticket.step'), ': ', step ? localName(step.names, step.title) : wf.current_step),
      labelled(t('ticket.step.notes'), notes, 'notes'),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', value: 'done', class: 'primary', 'data-testid': 'step-complete' }, t('ticket.step.complete')),
        h('button', { type: 'submit', value: 'waiting_for_customer', 'data-testid': 'step-wait' }, t('ticket.step.wait'))),
      message);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const outcome = (event.submitter && event.submitter.value) || 'done';
      const path = `/tickets/${encodeURIComponent(id)}/steps/${encodeURIComponent(wf.current_step)}/complete`;
      if (await submitting(ctx, form, message, reload, () => api(path, { method: 'POST', body: { outcome, notes: notes.value, version: ticket.version } }))) {
        ctx.toast(t(outcome === 'done' ? 'ticket.step.completed' : 'ticket.step.waiting'), 'success');
        reload();
      }
    });
    actions.append(form);
  } else if (active) {
    actions.append(h('p', { 'data-testid': 'step-none' }, t('ticket.step.none')));
  }

  if (active && mayWork) {
    // resolve with a root cause and a recovery action
    const resolution = h('textarea', { rows: '4', 'data-testid': 'resolve-resolution' });
    const causes = (defn && defn.root_causes) || [];
    const cause = causes.length
      ? h('select', { 'data-testid': 'resolve-root-cause' }, h('option', { value: '' }, t('ticket.resolve.choose')),
          ...causes.map((c) => h('option', { value: c.code }, localName(c.names, c.code))))
      : h('input', { type: 'text', 'data-testid': 'resolve-root-cause' });
    const recovery = h('select', { 'data-testid': 'resolve-recovery' },
      h('option', { value: '' }, t('ticket.resolve.recoveryNone')),
      h('option', { value: 'apology' }, t('ticket.resolve.apology')),
      h('option', { value: 'compensation' }, t('ticket.resolve.compensation')));
    const compType = h('input', { type: 'text', 'data-testid': 'resolve-compensation-type' });
    const amount = h('input', { type: 'text', inputmode: 'decimal', 'data-testid': 'resolve-amount' });
    const currency = h('input', { type: 'text', maxlength: '3', 'data-testid': 'resolve-currency' });
    const note = h('input', { type: 'text', 'data-testid': 'resolve-recovery-note' });
    const compensation = h('div', { class: 'compensation', hidden: true },
      labelled(t('ticket.resolve.compensationType'), compType, 'compensation_type'),
      labelled(t('ticket.resolve.amount'), amount, 'amount'),
      labelled(t('ticket.resolve.currency'), currency, 'currency'));
    const noteBox = h('div', { hidden: true }, labelled(t('ticket.resolve.recoveryNote'), note, 'note'));
    recovery.addEventListener('change', () => {
      compensation.hidden = recovery.value !== 'compensation';
      noteBox.hidden = !recovery.value;
    });
    const message = h('p', { class: 'form-error action-message', role: 'alert' });
    const form = h('form', { class: 'ticket-form', 'data-testid': 'resolve-form', 'aria-labelledby': 'resolve-h' },
      h('h2', { id: 'resolve-h' }, t('ticket.resolve')),
      labelled(t('ticket.resolve.resolution'), resolution, 'resolution'),
      labelled(t('ticket.resolve.rootCause'), cause, 'root_cause'),
      labelled(t('ticket.resolve.recovery'), recovery, 'type'),
      compensation, noteBox,
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'resolve-do' }, t('ticket.resolve.do')),
      message);
    let recorded = false;
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const done = await submitting(ctx, form, message, reload, async () => {
        if (recovery.value && !recorded) {
          const action = { type: recovery.value };
          if (note.value.trim()) action.note = note.value.trim();
          if (recovery.value === 'compensation') {
            action.compensation_type = compType.value.trim();
            if (amount.value.trim()) action.amount = amount.value.trim();
            if (currency.value.trim()) action.currency = currency.value.trim().toUpperCase();
          }
          await api(`/tickets/${encodeURIComponent(id)}/recovery-actions`, { method: 'POST', body: action });
          recorded = true;
        }
        await api(`/tickets/${encodeURIComponent(id)}/resolve`, { method: 'POST', body: { resolution: resolution.value, root_cause: cause.value } });
      });
      if (done) {
        ctx.toast(t('ticket.resolve.done'), 'success');
        reload();
      }
    });
    actions.append(form);
  } else if (!active && mayWork) {
    // reopen
    const reason = h('input', { type: 'text', 'data-testid': 'reopen-reason' });
    const message = h('p', { class: 'form-error action-message', role: 'alert' });
    const form = h('form', { class: 'ticket-form', 'data-testid': 'reopen-form', 'aria-labelledby': 'reopen-h' },
      h('h2', { id: 'reopen-h' }, t('ticket.reopen')),
      labelled(t('ticket.reopen.reason'), reason, 'reason'),
      h('button', { type: 'submit', 'data-testid': 'reopen-do' }, t('ticket.reopen.do')),
      message);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = reason.value.trim() ? { reason: reason.value.trim() } : {};
      if (await submitting(ctx, form, message, null, () => api(`/tickets/${encodeURIComponent(id)}/reopen`, { method: 'POST', body }))) {
        ctx.toast(t('ticket.reopen.done'), 'success');
        reload();
      }
    });
    actions.append(form);
  }

  // ---- files
  const fileList = h('ul', { class: 'files', 'data-testid': 'ticket-files' });
  for (const f of files.attachments || []) {
    fileList.append(h('li', {},
      f.download_url
        ? h('a', { href: f.download_url, download: f.filename, 'data-testid': `file-${f.filename}`, 'aria-label': t('ticket.files.download', { name: f.filename }) }, f.filename)
        : h('span', {}, f.filename, ' (', t('ticket.files.pending'), ')'),
      ' — ', t('ticket.files.size', { size: f.size }), ' — ', fmtDateTime(f.added_at)));
  }
  if (!(files.attachments || []).length) fileList.append(h('li', {}, t('ticket.files.none')));
  const chooser = h('input', { type: 'file', 'data-testid': 'file-input' });
  const fileMessage = h('p', { class: 'form-error action-message', role: 'alert' });
  const upload = h('form', { class: 'ticket-form', 'data-testid': 'file-form' },
    labelled(t('ticket.files.choose'), chooser, 'filename'),
    h('button', { type: 'submit', 'data-testid': 'file-upload' }, t('ticket.files.upload')),
    fileMessage);
  upload.addEventListener('submit', async (event) => {
    event.preventDefault();
    const file = chooser.files && chooser.files[0];
    if (!file) {
      fileMessage.textContent = t('ticket.files.missing');
      return;
    }
    const ok = await submitting(ctx, upload, fileMessage, reload, async () => {
      const offer = await api(`/tickets/${encodeURIComponent(id)}/attachments`, {
        method: 'POST',
        body: { filename: file.name, content_type: file.type || 'application/octet-stream', size: file.size },
      });
      const form = new FormData();
      for (const [k, v] of Object.entries(offer.upload.fields)) form.append(k, v);
      form.append(offer.upload.file_field || 'file', file, file.name);
      const sent = await fetch(offer.upload.url, { method: 'POST', body: form });
      if (!sent.ok) throw { status: sent.status, message: `${sent.status} ${await sent.text()}`.slice(0, 300) };
      await api(`/tickets/${encodeURIComponent(id)}/attachments/${encodeURIComponent(offer.attachment_id)}/confirm`, { method: 'POST' });
    });
    if (ok) {
      ctx.toast(t('ticket.files.uploaded', { name: file.name }), 'success');
      reload();
    }
  });
  const filesCard = h('section', { class: 'card ticket-files', 'aria-labelledby': 'files-h' }, h('h2', { id: 'files-h' }, t('ticket.files')), fileList, upload);

  // ---- the timeline, newest first
  const events = [...(timeline.events || [])].reverse();
  const names = namer(defn); // the sentences name steps, teams and levels as the category does
  const namesFor = (ticketId) => {
    if (ticketId === ticket.ticket_id || categoryOf.get(ticketId) === ticket.category) return names;
    const plan = otherPlans.get(categoryOf.get(ticketId));
    return namer(plan ? plan.definition : null);
  };
  const timelineCard = h('section', { class: 'card ticket-timeline', 'aria-labelledby': 'timeline-h' },
    h('h2', { id: 'timeline-h' }, t('ticket.timeline')),
    h('ol', { class: 'timeline', 'data-testid': 'ticket-timeline' }, ...events.map((e) => h('li', { class: `event visibility-${e.visibility}`, 'data-type': e.type, 'data-event-id': e.event_id },
      h('time', { datetime: e.at }, fmtDateTime(e.at)),
      h('span', { class: 'event-visibility' }, e.visibility === 'internal' ? t('ticket.timeline.internal') : `✉ ${t('ticket.timeline.public')}`),
      e.actor ? h('span', { class: 'event-actor' }, e.actor) : '',
      h('p', { class: 'event-summary' }, eventText(e, names))))));

  // ---- customer 360
  const customerCard = h('section', { class: 'card ticket-customer', 'aria-labelledby': 'customer-h', 'data-testid': 'ticket-customer' }, h('h2', { id: 'customer-h' }, t('ticket.customer')));
  if (customer) {
    const c = customer.customer;
    customerCard.append(
      dl([
        [t('ticket.customer'), c.name],
        ...(c.email ? [['✉', c.email]] : []),
        ...(c.phone ? [['☎', c.phone]] : []),
        [t('ticket.customer.language'), languageName(c.language)],
        [t('ticket.customer.channels'), (c.channels || []).map((ch) => t(`ticket.channel.${ch}`)).join(', ')],
      ]),
      h('h3', {}, t('ticket.customer.tickets')),
      h('ul', { 'data-testid': 'customer-tickets' }, ...(customer.tickets || []).map((other) => h('li', {},
        other.ticket_id === ticket.ticket_id ? h('strong', {}, other.ticket_id) : h('a', { href: `#/tickets/${other.ticket_id}` }, other.ticket_id),
        ' ', other.subject, ' — ', t(`ticket.status.${other.status}`), ' — ', t(`ticket.channel.${other.channel}`)))),
      h('h3', {}, t('ticket.customer.interactions')),
      (customer.interactions || []).length
        ? h('ol', { class: 'timeline compact', 'data-testid': 'customer-interactions' }, ...[...customer.interactions].reverse().slice(0, 30).map((e) => h('li', { 'data-type': e.type, 'data-event-id': e.event_id },
            h('time', { datetime: e.at }, fmtDateTime(e.at)), ' ', e.channel ? `${channelName(e.channel)} · ` : '', e.ticket_id, ' — ', eventText(e, namesFor(e.ticket_id)))))
        : h('p', {}, t('ticket.customer.none')),
    );
  }

  root.append(h('div', { class: 'ticket-layout' },
    h('div', { class: 'ticket-main' }, facts, plan, actions, filesCard, timelineCard),
    h('aside', { class: 'ticket-side' }, customerCard)));

  // The plan moves on asynchronously after a step: look again shortly while it does — only if this
  // is still the latest drawing of the page and nothing has been typed or chosen in its forms.
  if (ticket.status === 'open' && !wf.current_step && defn) {
    setTimeout(() => {
      const typed = [...root.querySelectorAll('form textarea, form input, form select')].some(
        (el) => (el.tagName === 'SELECT' ? el.selectedIndex > 0 : el.type === 'checkbox' ? el.checked : el.type !== 'file' && el.value !== ''),
      );
      if (mine === drawings && root.isConnected && location.hash.startsWith(`#/tickets/${id}`) && !typed) reload();
    }, 1500);
  }
}

function languageName(code) {
  try {
    return new Intl.DisplayNames([lang()], { type: 'language' }).of(code) || code;
  } catch {
    return code;
  }
}

function rootCauseName(defn, code) {
  const cause = defn && (defn.root_causes || []).find((c) => c.code === code);
  return cause ? localName(cause.names, code) : code;
}
