"""Türkçe (Turkish). Same templates and placeholders as ``en.py``; see the note there for the syntax."""

from complaintdesk.notify.locales import Locale, Text

_GREETING = """
Sayın {recipient_name},
{!recipient_name}Merhaba,
"""

_TEAM_GREETING = """
Merhaba {recipient_name},
{!recipient_name}Merhaba,
"""

_TICKET = """
Başvuru numarası: {ticket_id}
Konu: {complaint_subject}
"""

_STATUS = """
Şikâyetinizin durumunu dilediğiniz zaman buradan izleyebilirsiniz: {status_url}
"""

TEMPLATES: dict[str, Text] = {
    "ticket.acknowledged": Text(
        subject="""
Şikâyetinizi aldık: {complaint_subject}
{!complaint_subject}Şikâyetinizi aldık
""",
        body=_GREETING
        + """
Bize bildirdiğiniz için teşekkür ederiz. Şikâyetinizi kaydettik; ekibimiz ilgileniyor.
"""
        + _TICKET
        + """
Sonraki adım: şikâyetinizi inceleyip size ilk yanıtımızı vereceğiz. Sizden bir bilgi gerekirse ayrıca soracağız.
İlk yanıt için son tarih: {first_response_due}
"""
        + _STATUS,
        sms="{brand}: {ticket_id} numaralı şikâyetinizi aldık. İlk yanıt en geç: {first_response_due}.",
    ),
    "step.started": Text(
        subject="Şikâyetinizle ilgili yeni adım başladı: {step_name}",
        body=_GREETING
        + """
Şikâyetinizin ele alınmasında bir sonraki adıma başladık: {step_name}

{step_description}

Tahmini tamamlanma: {due_at}
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: {ticket_id} - yeni adım başladı: {step_name}.",
    ),
    "step.completed": Text(
        subject="Adım tamamlandı: {step_name}",
        body=_GREETING
        + """
Şikâyetinizle ilgili şu adımı tamamladık: {step_name}

{outcome}

Sıradaki adım: {next_step_name}
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: {ticket_id} - tamamlandı: {step_name}.",
    ),
    "customer.waiting": Text(
        subject="""
Sizden bir bilgiye ihtiyacımız var: {complaint_subject}
{!complaint_subject}Sizden bir bilgiye ihtiyacımız var
""",
        body=_GREETING
        + """
Şikâyetinizle ilgili çalışmaya devam edebilmemiz için sizden şunlara ihtiyacımız var:

{request}

Lütfen şu tarihe kadar yanıtlayın: {reply_by}

Bu e-postayı yanıtlamanız yeterli; yanıtınız şikâyetinize otomatik olarak eklenir. Yanıtınızı alır almaz çalışmaya devam edeceğiz.
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: {ticket_id} - sizden bir bilgiye ihtiyacımız var. Lütfen e-postanızı kontrol edin.",
        sms_fallback="{brand}: {ticket_id} - devam edebilmemiz için sizden şunu rica ediyoruz:\n{request}\nLütfen en geç {reply_by} tarihine kadar yanıtlayın.",
    ),
    "customer.reminder": Text(
        subject="""
Yanıtınızı hâlâ bekliyoruz: {complaint_subject}
{!complaint_subject}Yanıtınızı hâlâ bekliyoruz
""",
        body=_GREETING
        + """
Sizden istediğimiz bilgiyi henüz alamadık:

{request}

Lütfen şu tarihe kadar yanıtlayın: {reply_by}
{?closes}Bu tarihe kadar yanıt alamazsak şikâyetinizi kapatacağız. Daha sonra yanıt verirseniz yeniden ele alırız.
{!closes}Bu tarihe kadar yanıt alamazsak şikâyetiniz bir yönetici tarafından incelenecek.

Bu e-postayı yanıtlamanız yeterli; yanıtınız şikâyetinize otomatik olarak eklenir.
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: {ticket_id} - yanıtınızı hâlâ bekliyoruz. Lütfen e-postanızı kontrol edin.",
        sms_fallback="{brand}: {ticket_id} - yanıtınızı hâlâ bekliyoruz:\n{request}\nLütfen en geç {reply_by} tarihine kadar yanıtlayın.",
    ),
    "ticket.resolved": Text(
        subject="""
Şikâyetiniz hakkındaki kararımız: {complaint_subject}
{!complaint_subject}Şikâyetiniz hakkındaki kararımız
""",
        body=_GREETING
        + """
Şikâyetinizin incelemesini tamamladık. Kararımız şöyle:

{resolution}

Sorunun nedeni: {root_cause}

{?apology}Yaşadığınız sorun için özür dileriz.
Telafi olarak sunduğumuz: {compensation_type}, {compensation_amount}
{!compensation_amount}Telafi olarak sunduğumuz: {compensation_type}

Bu kararı kabul ediyor musunuz? Tek tıkla bize bildirin: {decision_url}
{?decision_url}Kararı reddederseniz şikâyetiniz açık kalır ve yeniden incelenir; başvurabileceğiniz diğer yolları da size bildiririz. Lütfen {decision_until} tarihine kadar yanıtlayın.
{?decision_url}Bu e-postaya verdiğiniz yanıt ekibimize ulaşır; ancak şikâyeti yalnızca bu bağlantıdan vereceğiniz yanıt yeniden açar.
{!decision_url}Karara katılmıyorsanız ya da sorun devam ediyorsa bize yazın; konuyu yeniden inceleyelim.
"""
        + _TICKET
        + _STATUS,
        sms="""
{?decision_url}{brand}: {ticket_id} kararımız e-postanızda.
{?decision_url}Kabul veya ret: {decision_url}
{!decision_url}{brand}: {ticket_id} numaralı şikâyetiniz hakkındaki kararımızı e-postayla gönderdik.
""",
        sms_fallback="""
{?decision_url}{brand}: {ticket_id} kararımız (kabul veya ret: {decision_url}):
{!decision_url}{brand}: {ticket_id} kararımız (ayrıntılar: {status_url}):
{resolution}
""",
    ),
    "ticket.followup": Text(
        subject="""
Sorununuz çözüldü mü? {complaint_subject}
{!complaint_subject}Sorununuz çözüldü mü?
""",
        body=_GREETING
        + """
Bir süre önce şikâyetiniz hakkındaki kararımızı size ilettik. Öğrenmek istiyoruz: sorununuz çözüldü mü?

Evet, çözüldü: {solved_url}
Hayır, çözülmedi: {not_solved_url}

Bu e-postayı yanıtlayarak da bize bildirebilirsiniz. Sorun devam ediyorsa neyin hâlâ yolunda gitmediğini yazın; çalışmaya devam edelim.
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: {ticket_id} - sorununuz çözüldü mü? Çözülmediyse e-postamızı yanıtlayın.",
        sms_fallback="{brand}: {ticket_id} - sorununuz çözüldü mü?\nEvet: {solved_url}\nHayır: {not_solved_url}\n{!not_solved_url}Şikâyetiniz: {status_url}",
    ),
    "ticket.survey": Text(
        subject="""
Şikâyetinizi nasıl ele aldık? {complaint_subject}
{!complaint_subject}Şikâyetinizi nasıl ele aldık?
""",
        body=_GREETING
        + """
Şikâyetiniz sonuçlandı. Süreci nasıl yürüttüğümüzü değerlendirir misiniz? Bir dakikadan kısa sürer: 1 (çok kötü) ile 5 (mükemmel) arasında bir puan seçin, isterseniz bir yorum ekleyin.

Değerlendirin: {survey_url}

Bu bağlantı size özeldir ve şu tarihe kadar geçerlidir: {survey_expires}

Teşekkür ederiz. Yanıtınız daha iyi olmamıza yardımcı olur.
"""
        + _TICKET,
        sms="{brand}: {ticket_id} numaralı şikâyetinizi nasıl ele aldık? 1-5 puan verin: {survey_url}",
    ),
    "ticket.closed": Text(
        subject="""
Şikâyetiniz kapatıldı: {complaint_subject}
{!complaint_subject}Şikâyetiniz kapatıldı
""",
        body=_GREETING
        + """
{ticket_id} numaralı şikâyetinizi kapattık.

{closing_note}

Bize bildirmek için zaman ayırdığınız için teşekkür ederiz. Sizin gibi müşterilerimizin geri bildirimleri kendimizi geliştirmemize yardımcı oluyor.

Bu konuyla ilgili yeniden bir sorun olursa bu e-postayı yanıtlayın; şikâyetinizi yeniden açalım.
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: {ticket_id} numaralı şikâyetiniz kapatıldı. Teşekkür ederiz.",
    ),
    "ticket.reopened": Text(
        subject="""
Şikâyetiniz yeniden açıldı: {complaint_subject}
{!complaint_subject}Şikâyetiniz yeniden açıldı
""",
        body=_GREETING
        + """
Şikâyetinizi yeniden açtık ve üzerinde tekrar çalışıyoruz.

Neden: {reason}

Gelişmelerden sizi haberdar edeceğiz.
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: {ticket_id} numaralı şikâyetiniz yeniden açıldı. Sizi bilgilendireceğiz.",
    ),
    "agent.reply": Text(
        subject="""
Şikâyetinizle ilgili yanıtımız: {complaint_subject}
{!complaint_subject}Şikâyetinizle ilgili yanıtımız
""",
        body=_GREETING
        + """
{reply_text}

Bize yazmak için bu e-postayı yanıtlamanız yeterli: yanıtınız şikâyetinizle ilgilenen ekibe ulaşır.
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: {ticket_id} numaralı şikâyetinizi yanıtladık.\nYanıtımız: {status_url}",
        sms_fallback="{brand}: {ticket_id} yanıtımız (ayrıntılar: {status_url}):\n{reply_text}",
    ),
    "resolution.rejected": Text(
        subject="""
Şikâyetiniz yeniden incelenecek: {complaint_subject}
{!complaint_subject}Şikâyetiniz yeniden incelenecek
""",
        body=_GREETING
        + """
Kararımızı kabul etmediğinizi bildirdiniz. Şikâyetiniz açık kalıyor: şimdi başka bir ekibimiz inceliyor ve size yeni bir yanıtla yazacağız.

Gerekçeniz: {reason}

İncelememizden sonra da memnun kalmazsanız şu yollara başvurabilirsiniz:
- {recourse}
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: {ticket_id} numaralı şikâyetiniz açık kalıyor ve yeniden inceleniyor.\nDurum: {status_url}",
    ),
    "step.assigned": Text(
        subject="""
{team_name} için yeni görev: {step_name}
{!team_name}Yeni görev: {step_name}
""",
        body=_TEAM_GREETING
        + """
{ticket_id} numaralı şikâyette ekibinize yeni bir görev atandı.

Görev: {step_name}
Ekip: {team_name}
Kategori: {category_name}
Şikâyet: {complaint_subject}
Son tarih: {due_at}

{?instructions}Yapılacaklar:
{instructions}

{?reason}Neden:
{reason}

Kaydı açın: {ticket_url}

Görev bittiğinde, sonraki adımın başlayabilmesi için {brand} üzerinde tamamlayın. Son tarihe kadar tamamlanmazsa yükseltilir.
""",
        sms="{brand}: {ticket_id} için yeni görev: {step_name}. Son tarih: {due_at}.",
    ),
    "step.reminder": Text(
        subject="Hatırlatma: {step_name} görevinin süresi dolmak üzere",
        body=_TEAM_GREETING
        + """
{ticket_id} numaralı şikâyetteki bu görevin süresi yakında doluyor.

Görev: {step_name}
Ekip: {team_name}
Şikâyet: {complaint_subject}
Son tarih: {due_at}
Kalan süre: {time_left}

O zamana kadar tamamlanmazsa yükseltilir.

Kaydı açın: {ticket_url}
""",
        sms="{brand}: hatırlatma - {ticket_id} için {step_name}, son tarih: {due_at}.",
    ),
    "resolution.review": Text(
        subject="İnceleme: müşteri çözümü reddetti",
        body=_TEAM_GREETING
        + """
Müşteri {ticket_id} numaralı şikâyetin çözümünü reddetti. Şikâyet inceleme için kuyruğunuzda ({team_name}).

Şikâyet: {complaint_subject}
Kategori: {category_name}
Reddedilen çözüm: {resolution}
Müşterinin gerekçesi: {reason}

Yeni bir yanıtla yeniden çözün ya da önce müşteriye yazın.

Kaydı açın: {ticket_url}
""",
        sms="{brand}: müşteri {ticket_id} çözümünü reddetti; lütfen inceleyin.",
    ),
    "resolution.replied": Text(
        subject="Müşteri çözümden sonra yazdı",
        body=_TEAM_GREETING
        + """
Müşteri {ticket_id} numaralı şikâyet çözüldükten sonra yanıt verdi. Yanıt zaman çizelgesinde; şikâyeti yeniden açmadı.

Şikâyet: {complaint_subject}
Ekip: {team_name}
Müşterinin sözleri:
{reply_excerpt}

Daha fazla çalışma gerekiyorsa {reopen_until} tarihine kadar tek çağrıyla yeniden açın:
{reopen_call}

Kaydı açın: {ticket_url}
""",
        sms="{brand}: müşteri {ticket_id} çözüldükten sonra yazdı.",
    ),
    "step.escalated": Text(
        subject="Yükseltme seviyesi {escalation_level}: {step_name} gecikti",
        body=_TEAM_GREETING
        + """
{ticket_id} numaralı şikâyetteki bir adım süresini aştı ve size yükseltildi.

Görev: {step_name}
Ekip: {team_name}
Kategori: {category_name}
Şikâyet: {complaint_subject}
Yükseltme seviyesi: {escalation_level}
Kime yükseltildi: {escalation_name}
Gecikme: {late_by}
Yeni son tarih: {new_deadline}

{?attempts}Şimdiye kadar yapılanlar:
{!attempts}Kayıtta henüz bir işlem görünmüyor.

- {attempts}

Lütfen görevin yeni son tarihe kadar tamamlanmasını sağlayın.

Kaydı açın: {ticket_url}
""",
        sms="{brand}: yükseltme S{escalation_level} - {ticket_id} {step_name}: {late_by} gecikme. "
        "Yeni son tarih: {new_deadline}.",
    ),
}

LOCALE = Locale(
    code="tr",
    name="Türkçe",
    # Turkish nouns stay singular after a number.
    units={"day": ("gün",), "hour": ("saat",), "minute": ("dakika",)},
    plural=lambda n: 0,
    labels={
        "status": {
            "open": "ele alınıyor",
            "waiting_customer": "yanıtınızı bekliyoruz",
            "resolved": "karar bildirildi",
            "closed": "kapatıldı",
        },
        "next_step_name": {
            "resolution": "kararımızın bildirilmesi",
        },
        "event": {
            "ticket.received": "şikâyet alındı",
            "ticket.created": "şikâyet kaydedildi",
            "ticket.acknowledged": "alındı bilgisi verildi",
            "ticket.updated": "bilgiler güncellendi",
            "email.received": "müşteriden e-posta",
            "email.bounced": "e-posta teslim edilemedi",
            "email.auto_reply": "otomatik yanıt alındı",
            "comment.public": "müşteriye yanıt",
            "comment.internal": "iç not",
            "customer.replied": "müşteri yanıt verdi",
            "customer.waiting": "müşteriden bilgi istendi",
            "customer.reminder": "müşteriye hatırlatma",
            "ticket.resumed": "çalışmaya devam edildi",
            "attachment.added": "dosya eklendi",
            "step.started": "adım başladı",
            "step.assigned": "görev atandı",
            "step.reminder": "son tarih hatırlatması",
            "step.completed": "görev tamamlandı",
            "step.escalated": "yükseltildi",
            "step.breached": "en üst seviyede de süre aşıldı",
            "resolution.pending": "karar hazırlanıyor",
            "workflow.start_failed": "süreç başlatılamadı",
            "workflow.answer_refused": "sürece verilen yanıt reddedildi",
            "workflow.answer_pending": "sürece verilen yanıt bekliyor",
            "workflow.failed": "süreç hata verdi",
            "recovery.recorded": "telafi kaydedildi",
            "ticket.resolved": "karar bildirildi",
            "ticket.reopened": "şikâyet yeniden açıldı",
            "resolution.accepted": "müşteri kararı kabul etti",
            "resolution.rejected": "müşteri kararı reddetti",
            "resolution.replied": "müşteri karara yanıt verdi",
            "ticket.survey": "memnuniyet anketi gönderildi",
            "survey.answered": "memnuniyet anketi yanıtlandı",
            "ticket.closed": "şikâyet kapatıldı",
            "email_sent": "size e-posta gönderdik",
            "sms_sent": "size SMS gönderdik",
            "other": "güncelleme",
        },
        "compensation_type": {
            "refund": "ücret iadesi",
            "credit": "hesabınıza alacak",
            "voucher": "hediye çeki",
            "discount": "indirim",
            "replacement": "ürün değişimi",
            "repair": "ücretsiz onarım",
            "gift": "hediye",
        },
    },
    footers={
        "customer": "Bu ileti, {ticket_id} numaralı şikâyetiniz hakkında {brand} tarafından otomatik olarak "
        "gönderilmiştir. Bilgi eklemek için bu e-postayı yanıtlamanız yeterlidir.",
        "team": "{ticket_id} numaralı kayıt için {brand} tarafından gönderildi.",
        "manager": "{brand}: {ticket_id} numaralı kayıt için yükseltme bildirimi.",
    },
    templates=TEMPLATES,
)

# --- Müşteri sayfaları (durum, anket, karar, geçersiz bağlantı): complaintdesk.pages --------------------
PAGES: dict[str, str] = {
    "brand": "Müşteri hizmetleri",
    "greeting": "Sayın {name},",
    "footer": "Bu sayfa yalnızca size özeldir; lütfen adresini paylaşmayın. Sorunuz mu var? "
    "E-postalarımızdan birini yanıtlamanız yeterli.",
    "status.title": "{ticket_id} numaralı şikâyetiniz",
    "status.intro.open": "Sabrınız için teşekkür ederiz. Şikâyetiniz üzerinde çalışıyoruz.",
    "status.intro.waiting_customer": "Şikâyetinizle ilgili devam edebilmemiz için sizden bir bilgiye ihtiyacımız var.",
    "status.intro.resolved": "Şikâyetinizin incelemesini tamamladık.",
    "status.intro.closed": "Şikâyetiniz kapatıldı.",
    "status.open": "İnceleniyor",
    "status.waiting_customer": "Yanıtınızı bekliyoruz",
    "status.resolved": "Çözüldü",
    "status.closed": "Kapatıldı",
    "label.subject": "Konu",
    "label.status": "Durum",
    "label.category": "Şikâyet türü",
    "label.step": "Şu anda yaptığımız",
    "label.received": "Alındığı tarih",
    "label.resolved": "Çözüldüğü tarih",
    "label.closed": "Kapatıldığı tarih",
    "label.resolution": "Kararımız",
    "next.heading": "Bundan sonra ne olacak",
    "next.step_due": "Ekibimiz “{step}” adımı üzerinde çalışıyor ve en geç {due} tarihinde tamamlamayı planlıyor.",
    "next.step_late": "“{step}” adımı söz verdiğimizden ({due}) uzun sürüyor. Özür dileriz: konuyu artık "
    "kıdemli bir çalışma arkadaşımız izliyor; tamamlanır tamamlanmaz size yazacağız.",
    "next.first_response": "İlk yanıtımızı en geç {due} tarihinde göndereceğiz.",
    "next.first_response_late": "İlk yanıtımız söz verdiğimiz zamanı ({due}) geçti. Özür dileriz; "
    "kısa süre içinde size yazacağız.",
    "next.working": "Şikâyetiniz üzerinde çalışıyoruz; bir gelişme olduğunda size hemen yazacağız.",
    "next.waiting": "Lütfen son mesajımızı e-postamızı yanıtlayarak cevaplayın. Sizden haber alır almaz devam ediyoruz.",
    "next.resolved": "Lütfen kararımızın sorununuzu çözüp çözmediğini bize bildirin: aşağıdaki bağlantıdan "
    "kabul edebilir ya da reddedebilirsiniz. Reddederseniz şikâyetinizi yeniden inceleriz.",
    "next.closed": "Planlanan başka bir işlem yok. Yeni bir sorun olursa bize dilediğiniz zaman yazabilirsiniz.",
    "conversation.heading": "Mesajlar",
    "conversation.us": "Yanıtımız",
    "conversation.you": "Mesajınız",
    "conversation.empty": "Henüz mesaj yok.",
    "timeline.heading": "Şimdiye kadar olanlar",
    "event.ticket.received": "Şikâyetinizi aldık.",
    "event.email_sent": "Size bir e-posta gönderdik: “{subject}”.",
    "event.email_sent_plain": "Size bir e-posta gönderdik.",
    "event.sms_sent": "Size bir kısa mesaj gönderdik.",
    "event.customer.waiting": "Sizden ek bilgi istedik.",
    "event.ticket.resolved": "Şikâyetinizi çözdük.",
    "event.ticket.reopened": "Şikâyetiniz yeniden açıldı.",
    "event.ticket.closed": "Şikâyetiniz kapatıldı.",
    "event.survey.answered": "Şikâyetinizi ele alışımızı puanladınız: 5 üzerinden {score}.",
    "event.resolution.accepted": "Kararımızı kabul ettiniz.",
    "event.resolution.rejected": "Kararımızı kabul etmediniz; şikâyetinizi yeniden inceliyoruz.",
    "decision.link": "Kararımızı kabul edin ya da reddedin",
    "decision.title": "{ticket_id} numaralı şikâyetinizle ilgili kararımız",
    "decision.intro": "“{subject}” konulu şikâyetinizin incelemesini tamamladık. Kararımız şöyle:",
    "decision.heading": "Yanıtınız",
    "decision.question": "Bu karar sorununuzu çözüyor mu?",
    "decision.answer_by": "Lütfen en geç {due} tarihine kadar bize bildirin.",
    "decision.accept": "Evet, kararı kabul ediyorum",
    "decision.accept.note": "Kabul ederseniz şikâyetinizi kapatırız.",
    "decision.reason": "Hâlâ sorun olan nedir? (isteğe bağlı)",
    "decision.reject": "Hayır, kabul etmiyorum",
    "decision.reject.note": "Kabul etmezseniz şikâyetinizi yeniden inceleriz.",
    "decision.thanks": "Yanıtınız için teşekkür ederiz.",
    "decision.accepted": "Kararımızı {at} tarihinde kabul ettiniz. Şikâyetiniz kapatıldı.",
    "decision.rejected": "Kararımızı kabul etmediniz ({at}). Şikâyetinizi yeniden inceliyoruz ve size yazacağız.",
    "decision.closed": "Bu karar artık buradan yanıtlanamaz: şikâyetiniz o zamandan beri değişti. "
    "Durum sayfası şikâyetinizin ne aşamada olduğunu gösterir.",
    "recourse.heading": "Hâlâ memnun değilseniz",
    "recourse.internal": "Şirketimiz içinde",
    "recourse.external": "Şirketimiz dışında",
    "event.other": "Şikâyetinizle ilgili bir güncelleme yapıldı.",
    "survey.title": "Nasıldık?",
    "survey.intro": "{ticket_id} numaralı şikâyetinizi nasıl ele aldığımızı bize söyleyin. Bir dakikanızı alır.",
    "survey.question": "Şikâyetinizi ele alışımızdan ne kadar memnunsunuz?",
    "survey.score.1": "1 – Hiç memnun değilim",
    "survey.score.2": "2 – Memnun değilim",
    "survey.score.3": "3 – Ne memnunum ne değilim",
    "survey.score.4": "4 – Memnunum",
    "survey.score.5": "5 – Çok memnunum",
    "survey.comment": "Bize iletmek istedikleriniz (isteğe bağlı)",
    "survey.submit": "Yanıtımı gönder",
    "survey.thanks.title": "Teşekkür ederiz",
    "survey.thanks": "Yanıtınız için teşekkür ederiz. Bize 5 üzerinden {score} puan verdiniz.",
    "survey.already.title": "Zaten yanıtladınız",
    "survey.already": "Bu anketi zaten yanıtladınız (5 üzerinden {score}). Teşekkür ederiz!",
    "link.status": "Şikâyetinizin durumunu görün",
    "error.403.title": "Bu bağlantı çalışmıyor",
    "error.403": "Bağlantı artık geçerli değil: süresi dolmuş ya da kopyalanırken kısalmış olabilir. "
    "E-postalarımızdan birini yanıtlayın, size yeni bir bağlantı gönderelim.",
    "error.404.title": "Bu şikâyeti bulamadık",
    "error.404": "Lütfen e-postamızdaki bağlantıyı kontrol edin ya da e-postayı yanıtlayın; size yardımcı olalım.",
    "error.400.title": "Bir şey eksik",
    "error.400": "Formda bir alan beklediğimiz gibi doldurulmamış. Lütfen geri dönüp yeniden deneyin.",
    "error.409.title": "Bu işlem zaten yapıldı",
    "error.409": "Bu işlem zaten yapılmış ya da şikâyetiniz bu arada değişmiş. Lütfen bağlantıyı yeniden açın.",
    "error.other.title": "Bir sorun oluştu",
    "error.other": "Bu işlemi şu anda yapamadık. Lütfen birkaç dakika sonra yeniden deneyin.",
}
