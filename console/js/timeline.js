// A timeline entry or a customer-360 interaction in the reader's language. The API gives each event
// its type, the parameters of its sentence in `data`, and an English `summary`; the sentence is
// made here from the type and the parameters with t(), times in the user's zone. What people wrote
// (a reply, a note, a resolution, a reopen reason, a request to the customer) stays as written: only
// the frame around it is translated. An event whose type is unknown here, or that was stored before
// its parameters were (no step title, no category...), shows its summary as the API wrote it.
//
// Every event type the code makes has at least one 'timeline.<type>' key in each language: a unit
// test (tests/unit/test_timeline_messages.py) reads this table and the types made in the Python code.
import { addMessages, fmtDateTime, fmtDuration, fmtNumber, lang, t } from './i18n.js';

addMessages({
  en: {
    'timeline.ticket.received': 'Complaint received via {channel}',
    'timeline.ticket.updated': 'Changed {changes}',
    'timeline.ticket.updated.priority': 'priority to {value}',
    'timeline.ticket.updated.category': 'category to {value}',
    'timeline.ticket.updated.fields': 'fields',
    'timeline.ticket.assigned.taken': 'Assigned to {to} (taken)',
    'timeline.ticket.assigned.given': 'Assigned to {to}',
    'timeline.ticket.assigned.reassigned': 'Reassigned from {from} to {to}',
    'timeline.ticket.assigned.unassigned': 'Unassigned from {from}; back to team {team}',
    'timeline.email.received': 'E-mail from the customer: {subject}',
    'timeline.email.auto_reply': 'Automatic reply (not acknowledged): {subject}',
    'timeline.email.noSubject': '(no subject)',
    'timeline.email.bounced.permanent': 'E-mail to {to} bounced (permanent)',
    'timeline.email.bounced.temporary': 'E-mail to {to} bounced (temporary)',
    'timeline.email.bounced.customer': 'the customer',
    'timeline.comment.public': '{body}',
    'timeline.comment.internal': '{body}',
    'timeline.customer.replied': '{body}',
    'timeline.customer.waiting': '{step} waits for the customer: {request}',
    'timeline.customer.waiting.noRequest': '{step} waits for the customer: information requested',
    'timeline.ticket.resumed': 'The customer answered by {channel}; the SLA clock runs again (paused {paused}, due {due})',
    'timeline.attachment.added': 'File added: {name} ({size} bytes)',
    'timeline.step.assigned': '{step} assigned to {team}, due {due}',
    'timeline.step.assigned.noDue': '{step} assigned to {team}',
    'timeline.step.reminder': 'Reminder to {team}: {step} is due {due} ({minutes} min left)',
    'timeline.step.completed': '{step} done by {by}',
    'timeline.step.completed.notes': '{step} done by {by}: {notes}',
    'timeline.step.escalated': '{step} escalated to L{level} — {label}, new deadline {due}',
    'timeline.step.breached': '{step} breached its SLA after the top escalation level; it stays open until the team completes it',
    'timeline.resolution.pending': 'Every step of the plan is done; the ticket waits for its resolution',
    'timeline.workflow.start_failed': 'The {category} plan could not start ({code}); set the category again to retry',
    'timeline.workflow.answer_refused': '{what} came too late: the wait had already ended ({code})',
    'timeline.workflow.answer_refused.earlier': '{what}: an earlier try may have reached the plan; the wait has ended ({code})',
    'timeline.workflow.answer_refused.completing': 'completing {step}',
    'timeline.workflow.answer_refused.resolving': 'resolving',
    'timeline.workflow.answer_refused.reopening': 'reopening',
    'timeline.workflow.answer_refused.resuming': 'resuming',
    'timeline.workflow.answer_refused.accepting': 'accepting the resolution',
    'timeline.workflow.answer_refused.rejecting': 'rejecting the resolution',
    'timeline.workflow.failed.FAILED': 'The {category} plan failed{error}; the ticket no longer moves by itself — an agent must take it over',
    'timeline.workflow.failed.TIMED_OUT': 'The {category} plan timed out{error}; the ticket no longer moves by itself — an agent must take it over',
    'timeline.workflow.failed.ABORTED': 'The {category} plan was stopped{error}; the ticket no longer moves by itself — an agent must take it over',
    'timeline.recovery.recorded.apology': 'Apology recorded',
    'timeline.recovery.recorded.compensation': 'Compensation recorded: {kind}{amount}',
    'timeline.ticket.resolved': 'Resolved: {resolution}',
    'timeline.ticket.reopened': 'Reopened: {reason}',
    'timeline.resolution.accepted': 'The customer accepted the resolution; the complaint is closed',
    'timeline.resolution.rejected': 'The customer rejected the resolution; the complaint is reviewed again',
    'timeline.survey.answered': 'Survey answered: {score}/5',
    'timeline.notification.sent': '{template} {medium} sent to {whom}',
    'timeline.notification.failed': '{template} {medium} to {whom} failed',
    'timeline.notification.skipped': '{template} not sent: {reason}',
    'timeline.medium.email': 'e-mail',
    'timeline.medium.sms': 'SMS',
    'timeline.whom.customer': 'the customer',
    'timeline.whom.team': 'team {ref}',
    'timeline.whom.manager': 'manager of {ref}',
    'timeline.whom.role': 'role {ref}',
    'timeline.whom.address': '{ref}',
    'timeline.template.ticket.acknowledged': 'Acknowledgement',
    'timeline.template.step.started': 'Step started',
    'timeline.template.step.completed': 'Step done',
    'timeline.template.customer.waiting': 'Information request',
    'timeline.template.customer.reminder': 'Reminder to the customer',
    'timeline.template.ticket.resolved': 'Resolution',
    'timeline.template.ticket.followup': 'Follow-up',
    'timeline.template.ticket.survey': 'Survey',
    'timeline.template.ticket.closed': 'Closing notice',
    'timeline.template.ticket.reopened': 'Reopening notice',
    'timeline.template.resolution.rejected': 'Rejection received',
    'timeline.notification.reason.bouncing_no_phone': 'the customer\'s e-mail address is bouncing and there is no phone number for SMS',
    'timeline.notification.reason.no_contact': 'the customer has no e-mail address and no phone number',
    'timeline.notification.reason.no_recipient': 'no recipient is configured for this message',
    'timeline.notification.reason.survey_answered': 'the customer already answered the survey',
    'timeline.notification.reason.ticket_closed': 'the complaint is closed',
    'timeline.notification.reason.ticket_resolved': 'the complaint is resolved',
    'timeline.notification.reason.decided': 'the customer already told us whether our answer solved it',
    'timeline.notification.reason.request_answered': 'the customer already answered what we asked',
    'timeline.template.agent.reply': 'Reply',
    'timeline.template.step.assigned': 'Step assignment',
    'timeline.template.step.reminder': 'Due-soon reminder',
    'timeline.template.resolution.review': 'Review request',
    'timeline.template.resolution.replied': 'Customer\'s reply after resolution',
    'timeline.template.step.escalated': 'Escalation',
  },
  tr: {
    'timeline.ticket.received': 'Şikâyet alındı ({channel})',
    'timeline.ticket.updated': 'Değiştirildi: {changes}',
    'timeline.ticket.updated.priority': 'öncelik → {value}',
    'timeline.ticket.updated.category': 'kategori → {value}',
    'timeline.ticket.updated.fields': 'alanlar',
    'timeline.ticket.assigned.taken': '{to} üstlendi',
    'timeline.ticket.assigned.given': '{to} kişisine atandı',
    'timeline.ticket.assigned.reassigned': '{from} kişisinden {to} kişisine yeniden atandı',
    'timeline.ticket.assigned.unassigned': '{from} atamadan çıkarıldı; talep ekibe geri döndü ({team})',
    'timeline.email.received': 'Müşteriden e-posta: {subject}',
    'timeline.email.auto_reply': 'Otomatik yanıt (onaylanmadı): {subject}',
    'timeline.email.noSubject': '(konu yok)',
    'timeline.email.bounced.permanent': '{to} adresine giden e-posta geri döndü (kalıcı)',
    'timeline.email.bounced.temporary': '{to} adresine giden e-posta geri döndü (geçici)',
    'timeline.email.bounced.customer': 'müşteri',
    'timeline.comment.public': '{body}',
    'timeline.comment.internal': '{body}',
    'timeline.customer.replied': '{body}',
    'timeline.customer.waiting': '{step} müşteriyi bekliyor: {request}',
    'timeline.customer.waiting.noRequest': '{step} müşteriyi bekliyor: bilgi istendi',
    'timeline.ticket.resumed': 'Müşteri {channel} ile yanıtladı; SLA saati yeniden işliyor ({paused} durdu, son tarih {due})',
    'timeline.attachment.added': 'Dosya eklendi: {name} ({size} bayt)',
    'timeline.step.assigned': '{step} atandı, sorumlu: {team}, son tarih {due}',
    'timeline.step.assigned.noDue': '{step} atandı, sorumlu: {team}',
    'timeline.step.reminder': 'Hatırlatma ({team}): {step} için son tarih {due} ({minutes} dk kaldı)',
    'timeline.step.completed': '{step} tamamlandı ({by})',
    'timeline.step.completed.notes': '{step} tamamlandı ({by}): {notes}',
    'timeline.step.escalated': '{step} S{level} düzeyine yükseltildi — {label}, yeni son tarih {due}',
    'timeline.step.breached': '{step} en üst yükseltme düzeyinden sonra SLA süresini aştı; ekip tamamlayana kadar açık kalır',
    'timeline.resolution.pending': 'Planın tüm adımları tamamlandı; talep çözümünü bekliyor',
    'timeline.workflow.start_failed': '{category} planı başlatılamadı ({code}); yeniden denemek için kategoriyi tekrar seçin',
    'timeline.workflow.answer_refused': '{what} çok geç kaldı: bekleme zaten sona ermişti ({code})',
    'timeline.workflow.answer_refused.earlier': '{what}: önceki bir deneme plana ulaşmış olabilir; bekleme sona erdi ({code})',
    'timeline.workflow.answer_refused.completing': '{step} adımının tamamlanması',
    'timeline.workflow.answer_refused.resolving': 'Çözüm',
    'timeline.workflow.answer_refused.reopening': 'Yeniden açma',
    'timeline.workflow.answer_refused.resuming': 'Devam ettirme',
    'timeline.workflow.answer_refused.accepting': 'Çözümün kabulü',
    'timeline.workflow.answer_refused.rejecting': 'Çözümün reddi',
    'timeline.workflow.failed.FAILED': '{category} planı başarısız oldu{error}; talep artık kendiliğinden ilerlemiyor — bir temsilci devralmalı',
    'timeline.workflow.failed.TIMED_OUT': '{category} planı zaman aşımına uğradı{error}; talep artık kendiliğinden ilerlemiyor — bir temsilci devralmalı',
    'timeline.workflow.failed.ABORTED': '{category} planı durduruldu{error}; talep artık kendiliğinden ilerlemiyor — bir temsilci devralmalı',
    'timeline.recovery.recorded.apology': 'Özür kaydedildi',
    'timeline.recovery.recorded.compensation': 'Tazminat kaydedildi: {kind}{amount}',
    'timeline.ticket.resolved': 'Çözüldü: {resolution}',
    'timeline.ticket.reopened': 'Yeniden açıldı: {reason}',
    'timeline.resolution.accepted': 'Müşteri çözümü kabul etti; şikâyet kapatıldı',
    'timeline.resolution.rejected': 'Müşteri çözümü reddetti; şikâyet yeniden inceleniyor',
    'timeline.survey.answered': 'Anket yanıtlandı: {score}/5',
    'timeline.notification.sent': '{template} {medium} gönderildi: {whom}',
    'timeline.notification.failed': '{template} {medium} gönderilemedi: {whom}',
    'timeline.notification.skipped': '{template} gönderilmedi: {reason}',
    'timeline.medium.email': 'e-postası',
    'timeline.medium.sms': 'SMS’i',
    'timeline.whom.customer': 'müşteri',
    'timeline.whom.team': '{ref}',
    'timeline.whom.manager': 'yönetici ({ref})',
    'timeline.whom.role': 'rol: {ref}',
    'timeline.whom.address': '{ref}',
    'timeline.template.ticket.acknowledged': 'Alındı bildirimi',
    'timeline.template.step.started': 'Adım başladı',
    'timeline.template.step.completed': 'Adım tamamlandı',
    'timeline.template.customer.waiting': 'Bilgi talebi',
    'timeline.template.customer.reminder': 'Müşteriye hatırlatma',
    'timeline.template.ticket.resolved': 'Çözüm',
    'timeline.template.ticket.followup': 'Takip',
    'timeline.template.ticket.survey': 'Anket',
    'timeline.template.ticket.closed': 'Kapanış bildirimi',
    'timeline.template.ticket.reopened': 'Yeniden açılma bildirimi',
    'timeline.template.resolution.rejected': 'Ret bildirimi',
    'timeline.notification.reason.bouncing_no_phone': 'müşterinin e-posta adresi geri dönüyor ve SMS için telefon numarası yok',
    'timeline.notification.reason.no_contact': 'müşterinin e-posta adresi ve telefon numarası yok',
    'timeline.notification.reason.no_recipient': 'bu ileti için alıcı tanımlı değil',
    'timeline.notification.reason.survey_answered': 'müşteri anketi zaten yanıtladı',
    'timeline.notification.reason.ticket_closed': 'şikâyet kapatıldı',
    'timeline.notification.reason.ticket_resolved': 'şikâyet çözüldü',
    'timeline.notification.reason.decided': 'müşteri yanıtımızın sorunu çözüp çözmediğini zaten bildirdi',
    'timeline.notification.reason.request_answered': 'müşteri istediğimizi zaten yanıtladı',
    'timeline.template.agent.reply': 'Yanıt',
    'timeline.template.step.assigned': 'Adım ataması',
    'timeline.template.step.reminder': 'Süre hatırlatması',
    'timeline.template.resolution.review': 'İnceleme talebi',
    'timeline.template.resolution.replied': 'Çözüm sonrası müşteri yanıtı',
    'timeline.template.step.escalated': 'Yükseltme',
  },
  lv: {
    'timeline.ticket.received': 'Sūdzība saņemta ({channel})',
    'timeline.ticket.updated': 'Mainīts: {changes}',
    'timeline.ticket.updated.priority': 'prioritāte → {value}',
    'timeline.ticket.updated.category': 'kategorija → {value}',
    'timeline.ticket.updated.fields': 'lauki',
    'timeline.ticket.assigned.taken': '{to} to paņēma sev',
    'timeline.ticket.assigned.given': 'Piešķirts: {to}',
    'timeline.ticket.assigned.reassigned': 'Pārpiešķirts no {from} uz {to}',
    'timeline.ticket.assigned.unassigned': '{from} vairs nav piešķirts; atpakaļ komandai ({team})',
    'timeline.email.received': 'Klienta e-pasts: {subject}',
    'timeline.email.auto_reply': 'Automātiska atbilde (neapstiprināta): {subject}',
    'timeline.email.noSubject': '(bez temata)',
    'timeline.email.bounced.permanent': 'E-pasts uz {to} atgriezts (pastāvīgi)',
    'timeline.email.bounced.temporary': 'E-pasts uz {to} atgriezts (īslaicīgi)',
    'timeline.email.bounced.customer': 'klientu',
    'timeline.comment.public': '{body}',
    'timeline.comment.internal': '{body}',
    'timeline.customer.replied': '{body}',
    'timeline.customer.waiting': '{step} gaida klientu: {request}',
    'timeline.customer.waiting.noRequest': '{step} gaida klientu: pieprasīta informācija',
    'timeline.ticket.resumed': 'Klients atbildēja ({channel}); SLA pulkstenis atkal iet (apturēts {paused}, termiņš {due})',
    'timeline.attachment.added': 'Pievienots fails: {name} ({size} baiti)',
    'timeline.step.assigned': '{step} piešķirts: {team}, termiņš {due}',
    'timeline.step.assigned.noDue': '{step} piešķirts: {team}',
    'timeline.step.reminder': 'Atgādinājums ({team}): {step} termiņš {due} (atlikušas {minutes} min)',
    'timeline.step.completed': '{step} pabeigts ({by})',
    'timeline.step.completed.notes': '{step} pabeigts ({by}): {notes}',
    'timeline.step.escalated': '{step} eskalēts uz L{level} — {label}, jauns termiņš {due}',
    'timeline.step.breached': '{step} pārsniedza SLA pēc augstākā eskalācijas līmeņa; tas paliek atvērts, līdz komanda to pabeidz',
    'timeline.resolution.pending': 'Visi plāna soļi ir pabeigti; pieteikums gaida atrisinājumu',
    'timeline.workflow.start_failed': 'Plānu {category} neizdevās sākt ({code}); lai mēģinātu vēlreiz, iestatiet kategoriju vēlreiz',
    'timeline.workflow.answer_refused': '{what} nokavēja: gaidīšana jau bija beigusies ({code})',
    'timeline.workflow.answer_refused.earlier': '{what}: iepriekšējs mēģinājums, iespējams, sasniedza plānu; gaidīšana ir beigusies ({code})',
    'timeline.workflow.answer_refused.completing': 'Soļa {step} pabeigšana',
    'timeline.workflow.answer_refused.resolving': 'Atrisināšana',
    'timeline.workflow.answer_refused.reopening': 'Atkārtota atvēršana',
    'timeline.workflow.answer_refused.resuming': 'Atsākšana',
    'timeline.workflow.answer_refused.accepting': 'Atrisinājuma pieņemšana',
    'timeline.workflow.answer_refused.rejecting': 'Atrisinājuma noraidīšana',
    'timeline.workflow.failed.FAILED': 'Plāns {category} neizdevās{error}; pieteikums vairs nevirzās pats — tas jāpārņem darbiniekam',
    'timeline.workflow.failed.TIMED_OUT': 'Plānam {category} beidzās laiks{error}; pieteikums vairs nevirzās pats — tas jāpārņem darbiniekam',
    'timeline.workflow.failed.ABORTED': 'Plāns {category} tika apturēts{error}; pieteikums vairs nevirzās pats — tas jāpārņem darbiniekam',
    'timeline.recovery.recorded.apology': 'Atvainošanās reģistrēta',
    'timeline.recovery.recorded.compensation': 'Kompensācija reģistrēta: {kind}{amount}',
    'timeline.ticket.resolved': 'Atrisināts: {resolution}',
    'timeline.ticket.reopened': 'Atvērts no jauna: {reason}',
    'timeline.resolution.accepted': 'Klients pieņēma atrisinājumu; sūdzība ir slēgta',
    'timeline.resolution.rejected': 'Klients noraidīja atrisinājumu; sūdzību izskata vēlreiz',
    'timeline.survey.answered': 'Aptauja aizpildīta: {score}/5',
    'timeline.notification.sent': '{template}: {medium} nosūtīts — {whom}',
    'timeline.notification.failed': '{template}: {medium} neizdevās nosūtīt — {whom}',
    'timeline.notification.skipped': '{template} netika nosūtīts: {reason}',
    'timeline.medium.email': 'e-pasts',
    'timeline.medium.sms': 'SMS',
    'timeline.whom.customer': 'klientam',
    'timeline.whom.team': '{ref}',
    'timeline.whom.manager': 'vadītājam ({ref})',
    'timeline.whom.role': 'lomai: {ref}',
    'timeline.whom.address': '{ref}',
    'timeline.template.ticket.acknowledged': 'Saņemšanas apstiprinājums',
    'timeline.template.step.started': 'Solis sākts',
    'timeline.template.step.completed': 'Solis pabeigts',
    'timeline.template.customer.waiting': 'Informācijas pieprasījums',
    'timeline.template.customer.reminder': 'Atgādinājums klientam',
    'timeline.template.ticket.resolved': 'Atrisinājums',
    'timeline.template.ticket.followup': 'Pēcpārbaude',
    'timeline.template.ticket.survey': 'Aptauja',
    'timeline.template.ticket.closed': 'Slēgšanas paziņojums',
    'timeline.template.ticket.reopened': 'Atkārtotas atvēršanas paziņojums',
    'timeline.template.resolution.rejected': 'Noraidījuma paziņojums',
    'timeline.notification.reason.bouncing_no_phone': 'klienta e-pasta adrese atgriež vēstules, un SMS nav tālruņa numura',
    'timeline.notification.reason.no_contact': 'klientam nav ne e-pasta adreses, ne tālruņa numura',
    'timeline.notification.reason.no_recipient': 'šim ziņojumam nav iestatīts saņēmējs',
    'timeline.notification.reason.survey_answered': 'klients jau aizpildīja aptauju',
    'timeline.notification.reason.ticket_closed': 'sūdzība ir slēgta',
    'timeline.notification.reason.ticket_resolved': 'sūdzība ir atrisināta',
    'timeline.notification.reason.decided': 'klients jau pateica, vai mūsu atbilde problēmu atrisināja',
    'timeline.notification.reason.request_answered': 'klients jau atbildēja uz mūsu jautājumu',
    'timeline.template.agent.reply': 'Atbilde',
    'timeline.template.step.assigned': 'Soļa piešķiršana',
    'timeline.template.step.reminder': 'Termiņa atgādinājums',
    'timeline.template.resolution.review': 'Pārskatīšanas pieprasījums',
    'timeline.template.resolution.replied': 'Klienta atbilde pēc atrisinājuma',
    'timeline.template.step.escalated': 'Eskalācija',
  },
});

/** A name in the user's language from a {tr, en, lv} map (else English, else the fallback). */
function named(names, fallback) {
  if (!names) return fallback;
  return names[lang()] || names.en || fallback;
}

/** A word for a code from another table ('ticket.channel.email'), or the code when there is none. */
function word(prefix, code) {
  const key = `${prefix}.${code}`;
  const said = t(key);
  return said === key ? code : said;
}

/** The person of a timeline actor ("ana@example.com (agent)" → "ana@example.com"). */
function person(actor) {
  if (actor === undefined || actor === null) return undefined;
  const text = String(actor || '');
  return text.endsWith(')') && text.includes(' (') ? text.slice(0, text.lastIndexOf(' (')) : text;
}

/** A channel's name: the ticket's channels ('ticket.channel.email'), or a message's medium (SMS). */
export function channelName(code) {
  const said = word('ticket.channel', code);
  return said === code ? word('timeline.medium', code) : said;
}

const missing = (value) => value === undefined || value === null || value === '';

/**
 * Names from the ticket's category definition, where the console has them (the ticket page loads
 * it); `defn` may be null (customer 360 lines of other tickets, no category): the event's own
 * English title or id then.
 */
export function namer(defn, teams = []) {
  const steps = (defn && defn.steps) || [];
  return {
    step(id, title) {
      const step = steps.find((s) => s.id === id);
      return step ? named(step.names, step.title || title || id) : title;
    },
    team(id, name) {
      const own = ((defn && defn.teams) || []).find((x) => x.id === id) || teams.find((x) => x.id === id);
      return own ? named(own.names, own.name || name || id) : name || id;
    },
    rung(stepId, level, label) {
      const step = steps.find((s) => s.id === stepId);
      const rung = step && (step.escalation || [])[Number(level) - 1];
      return rung ? named(rung.names, rung.label || label) : label;
    },
    category(id) {
      return defn && defn.id === id ? named(defn.names, id) : id;
    },
  };
}

const when = (iso) => (missing(iso) ? undefined : fmtDateTime(iso));

// type → (data, event, names) → [key, params]; undefined when the event lacks what its sentence needs.
const FRAMES = {
  'ticket.received': (d, e) => ['timeline.ticket.received', { channel: channelName(d.channel || e.channel) }],
  'ticket.updated': (d, e, n) => {
    const parts = [];
    if (d.priority) parts.push(t('timeline.ticket.updated.priority', { value: word('ticket.priority', d.priority.to) }));
    if (d.category) parts.push(t('timeline.ticket.updated.category', { value: n.category(d.category.to) }));
    if (d.fields) parts.push(t('timeline.ticket.updated.fields'));
    return parts.length ? ['timeline.ticket.updated', { changes: parts.join(', ') }] : undefined;
  },
  'ticket.assigned': (d, e, n) => {
    if (!('to' in d) || !('from' in d)) return undefined;
    if (!d.to) return ['timeline.ticket.assigned.unassigned', { from: d.from, team: n.team(d.team, d.team) }];
    if (!d.from) return [person(d.by || e.actor) === d.to ? 'timeline.ticket.assigned.taken' : 'timeline.ticket.assigned.given', { to: d.to }];
    return ['timeline.ticket.assigned.reassigned', { from: d.from, to: d.to }];
  },
  'email.received': (d) => ['timeline.email.received', { subject: d.subject || t('timeline.email.noSubject') }],
  'email.auto_reply': (d) => ['timeline.email.auto_reply', { subject: d.subject || t('timeline.email.noSubject') }],
  'email.bounced': (d) => [
    d.permanent ? 'timeline.email.bounced.permanent' : 'timeline.email.bounced.temporary',
    { to: (d.recipients || []).slice(0, 3).join(', ') || t('timeline.email.bounced.customer') },
  ],
  'comment.public': (d, e) => ['timeline.comment.public', { body: e.summary }],
  'comment.internal': (d, e) => ['timeline.comment.internal', { body: e.summary }],
  'customer.replied': (d, e) => ['timeline.customer.replied', { body: e.summary }],
  'customer.waiting': (d, e, n) => (d.request || d.notes
    ? ['timeline.customer.waiting', { step: n.step(d.step, d.step_title), request: d.request || d.notes }]
    : ['timeline.customer.waiting.noRequest', { step: n.step(d.step, d.step_title) }]),
  'ticket.resumed': (d, e) => ['timeline.ticket.resumed', {
    channel: channelName(d.channel || e.channel),
    paused: missing(d.paused_seconds) ? undefined : fmtDuration(d.paused_seconds),
    due: when(d.due_at),
  }],
  'attachment.added': (d) => ['timeline.attachment.added', { name: d.name, size: missing(d.size) ? undefined : fmtNumber(d.size) }],
  'step.assigned': (d, e, n) => [
    missing(d.due_at) ? 'timeline.step.assigned.noDue' : 'timeline.step.assigned',
    { step: n.step(d.step, d.step_title), team: n.team(d.team, d.team_name), due: when(d.due_at) || '' },
  ],
  'step.reminder': (d, e, n) => ['timeline.step.reminder', {
    team: n.team(d.team, d.team), step: n.step(d.step, d.step_title), due: when(d.due_at), minutes: d.minutes_left,
  }],
  'step.completed': (d, e, n) => (d.notes
    ? ['timeline.step.completed.notes', { step: n.step(d.step, d.step_title), by: person(d.by), notes: d.notes }]
    : ['timeline.step.completed', { step: n.step(d.step, d.step_title), by: person(d.by) }]),
  'step.escalated': (d, e, n) => ['timeline.step.escalated', {
    step: n.step(d.step, d.step_title), level: d.level, label: n.rung(d.step, d.level, d.label), due: when(d.due_at),
  }],
  'step.breached': (d, e, n) => ['timeline.step.breached', { step: n.step(d.step, d.step_title) }],
  'resolution.pending': () => ['timeline.resolution.pending', {}],
  'workflow.start_failed': (d, e, n) => ['timeline.workflow.start_failed', { category: missing(d.category) ? undefined : n.category(d.category), code: d.code }],
  'workflow.answer_refused': (d, e, n) => {
    const what = String(d.what || '');
    const action = {
      resolving: 'resolving',
      reopening: 'reopening',
      resuming: 'resuming',
      'accepting the resolution': 'accepting',
      'rejecting the resolution': 'rejecting',
    }[what];
    let said;
    if (action) said = t(`timeline.workflow.answer_refused.${action}`);
    else if (what.startsWith('completing ')) {
      const step = what.slice('completing '.length);
      said = t('timeline.workflow.answer_refused.completing', { step: n.step(step, step) });
    } else return undefined;
    return [d.earlier_try ? 'timeline.workflow.answer_refused.earlier' : 'timeline.workflow.answer_refused', { what: said, code: d.code }];
  },
  'workflow.failed': (d, e, n) => (['FAILED', 'TIMED_OUT', 'ABORTED'].includes(d.status)
    ? [`timeline.workflow.failed.${d.status}`, { category: missing(d.category) ? undefined : n.category(d.category), error: d.error ? `: ${d.error}` : '' }]
    : undefined),
  'recovery.recorded': (d) => {
    const action = d.action || {};
    if (action.type === 'apology') return ['timeline.recovery.recorded.apology', {}];
    if (action.type !== 'compensation') return undefined;
    const amount = action.amount ? ` ${fmtNumber(action.amount)} ${action.currency || ''}`.trimEnd() : '';
    return ['timeline.recovery.recorded.compensation', { kind: action.compensation_type, amount }];
  },
  'ticket.resolved': (d) => ['timeline.ticket.resolved', { resolution: d.resolution }],
  'ticket.reopened': (d) => ['timeline.ticket.reopened', { reason: d.reason }],
  'resolution.accepted': () => ['timeline.resolution.accepted', {}],
  'resolution.rejected': () => ['timeline.resolution.rejected', {}],
  'survey.answered': (d) => ['timeline.survey.answered', { score: d.score }],
  'notification.sent': (d, e, n) => notification('timeline.notification.sent', d, e, n),
  'notification.failed': (d, e, n) => notification('timeline.notification.failed', d, e, n),
  'notification.skipped': (d) => {
    const said = d.reason_code && word('timeline.notification.reason', d.reason_code);
    return ['timeline.notification.skipped', { template: templateName(d.template), reason: said && said !== d.reason_code ? said : d.reason }];
  },
};

/** A notification template's name ('ticket.acknowledged' → 'Acknowledgement'); its id when unknown. */
function templateName(id) {
  return missing(id) ? undefined : word('timeline.template', id);
}

function notification(key, d, e, n) {
  const medium = d.channel || e.channel;
  if (!d.whom || !['email', 'sms'].includes(medium)) return undefined;
  const ref = d.whom === 'team' || d.whom === 'manager' ? n.team(d.whom_ref, d.whom_ref) : d.whom_ref;
  return [key, { template: templateName(d.template), medium: t(`timeline.medium.${medium}`), whom: t(`timeline.whom.${d.whom}`, { ref }) }];
}

/** The event types this module words (the rest show their summary). */
export const WORDED = Object.freeze(Object.keys(FRAMES));

/**
 * The event's sentence in the user's language; its English summary when its type is not known
 * here or it was stored without the parameters its sentence needs.
 */
export function eventText(event, names = namer(null)) {
  const frame = FRAMES[event.type];
  const data = event.data || {};
  let made;
  try {
    made = frame && frame(data, event, names);
  } catch {
    made = undefined;
  }
  if (!made) return event.summary || '';
  const [key, params] = made;
  if (Object.values(params).some((value) => value === undefined || value === null)) return event.summary || '';
  return t(key, params);
}
