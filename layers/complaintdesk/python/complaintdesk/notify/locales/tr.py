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

Karara katılmıyorsanız ya da sorun devam ediyorsa bu e-postayı yanıtlayın; konuyu yeniden inceleyelim.
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: {ticket_id} numaralı şikâyetiniz hakkındaki kararımızı e-postayla gönderdik.",
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
