"""The protocol document in Azerbaijani (Latin script)."""

# The letters ruff finds ambiguous (ı, ş, ...) are this language's own.
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

from datetime import date

from court.event_params import ConsultationEnd, LeaveReason, ShareEnd
from court.event_text import EventWords
from court.events import EventKind
from court.exhibits import ExhibitStatus
from court.hearing_state import HearingState
from court.protocol import EntryKind
from court.roles import Role
from court.rooms import RoomKind
from server.protocol_document.templates import Strings

MONTHS = (
    "yanvar",
    "fevral",
    "mart",
    "aprel",
    "may",
    "iyun",
    "iyul",
    "avqust",
    "sentyabr",
    "oktyabr",
    "noyabr",
    "dekabr",
)


def _date(day: date) -> str:
    # "12 mart 2025-ci il" needs the year's suffix by vowel harmony; the bare year is as
    # correct and cannot be got wrong.
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


ROLES = {
    Role.JUDGE: "Hakim",
    Role.CLERK: "Məhkəmə iclasının katibi",
    Role.PROSECUTOR: "Prokuror",
    Role.DEFENCE: "Müdafiəçi",
    Role.DEFENDANT: "Təqsirləndirilən şəxs",
    Role.VICTIM: "Zərərçəkmiş şəxs",
    Role.WITNESS: "Şahid",
    Role.EXPERT: "Ekspert",
    Role.INTERPRETER: "Tərcüməçi",
    Role.OBSERVER: "Müşahidəçi",
}

STRINGS = Strings(
    language="az",
    title="Məhkəmə iclasının protokolu",
    case="İş №",
    date="Tarix",
    court="Məhkəmə",
    courtroom="Məhkəmə zalı",
    composition="Məhkəmənin tərkibi",
    presiding_judge="Sədrlik edən hakim",
    participants="Prosesin iştirakçıları",
    proceedings="Məhkəmə iclasının gedişi",
    record_time_note="Qeyd vaxtı iclasın audio yazısının əvvəlindən saat:dəqiqə:saniyə ilə "
    "göstərilir; — işarəsi yazıdan kənar edilmiş qeydi bildirir.",
    number="№",
    record_time="Qeyd vaxtı",
    speaker="Çıxış edən",
    kind="Növ",
    text="Mətn",
    no_entries="Qeyd yoxdur.",
    system="Sistem (avtomatik)",
    in_custody="həbsdə saxlanılır",
    signatures="İmzalar",
    signed="İmzalanıb",
    unsigned="imza",
    digest="İmzalanmış protokolun SHA-256 həş dəyəri",
    draft="Layihə: protokol hələ hakim və katib tərəfindən imzalanmayıb.",
    page="Səhifə {page} / {pages}",
    not_given="—",
    roles=ROLES,
    kinds={
        EntryKind.STATEMENT: "Bəyanat",
        EntryKind.QUESTION: "Sual",
        EntryKind.ANSWER: "Cavab",
        EntryKind.MOTION: "Vəsatət",
        EntryKind.OBJECTION: "Etiraz",
        EntryKind.RULING: "Qərar",
        EntryKind.NOTE: "Qeyd",
        EntryKind.EXHIBIT: "Sübut",
        EntryKind.OFF_THE_RECORD: "Yazıdan kənar",
        EntryKind.EVENT: "Hadisə",
        EntryKind.CORRECTION: "Düzəliş",
    },
    format_date=_date,
    events=EventWords(
        events={
            EventKind.HEARING_STATE_CHANGED: "İclasın vəziyyəti dəyişdi",
            EventKind.RECORDING_STARTED: "Audioyazı başladı",
            EventKind.RECORDING_STOPPED: "Audioyazı dayandı",
            EventKind.RECORDING_RESUMED: "Audioyazı bərpa olundu",
            EventKind.RECORDING_FAILED: "Audioyazıda nasazlıq",
            EventKind.PARTICIPANT_JOINED: "Qoşuldu",
            EventKind.PARTICIPANT_ADMITTED: "İclas zalına buraxıldı",
            EventKind.PARTICIPANT_SENT_TO_WAITING_ROOM: "Gözləmə otağına göndərildi",
            EventKind.PARTICIPANT_LEFT: "İclası tərk etdi",
            EventKind.PARTICIPANT_REMOVED: "İclasdan çıxarıldı",
            EventKind.PARTICIPANT_READMITTED: "Yenidən buraxıldı",
            EventKind.PARTICIPANT_RECONNECTED: "Yenidən qoşuldu",
            EventKind.CONNECTION_LOST: "Əlaqə kəsildi",
            EventKind.CONNECTION_RESTORED: "Əlaqə bərpa olundu",
            EventKind.PARTICIPANT_MUTED: "Məhkəmə mikrofonu bağladı",
            EventKind.WITNESS_CALLED: "Şahid çağırıldı",
            EventKind.WITNESS_DISMISSED: "Şahid buraxıldı",
            EventKind.WITNESS_RELEASED: "Şahid iclasdan azad edildi",
            EventKind.CONSULTATION_STARTED: "Məxfi məsləhətləşmə başladı",
            EventKind.CONSULTATION_ENDED: "Məxfi məsləhətləşmə bitdi",
            EventKind.HEARING_LOCKED: "İclasa giriş bağlandı",
            EventKind.HEARING_UNLOCKED: "İclasa giriş açıldı",
            EventKind.SCREEN_SHARE_STARTED: "Ekranın nümayişi başladı",
            EventKind.SCREEN_SHARE_STOPPED: "Ekranın nümayişi bitdi",
        },
        states={
            HearingState.SCHEDULED: "Təyin edilib",
            HearingState.OPEN: "Açıqdır",
            HearingState.IN_SESSION: "İclas gedir",
            HearingState.PAUSED: "Fasilə",
            HearingState.SUSPENDED: "Dayandırılıb",
            HearingState.CLOSED: "Bağlanıb",
            HearingState.CANCELLED: "Ləğv edilib",
        },
        rooms={
            RoomKind.WAITING: "gözləmə otağı",
            RoomKind.HEARING: "iclas zalı",
            RoomKind.CONSULTATION: "məsləhətləşmə otağı",
        },
        leave_reasons={
            LeaveReason.LEFT: "özü çıxdı",
            LeaveReason.DISCONNECTED: "əlaqə kəsildi",
            LeaveReason.REPLACED: "başqa səhifədən yenidən qoşuldu",
            LeaveReason.REMOVED: "məhkəmə tərəfindən çıxarıldı",
            LeaveReason.RELEASED: "şahid kimi azad edildi",
            LeaveReason.CLOSED: "iclas bağlandı",
            LeaveReason.NEGOTIATION_FAILED: "audio və videonu qoşmaq mümkün olmadı",
        },
        roles=ROLES,
        share_ends={
            ShareEnd.BY_SHARER: "nümayiş edən özü dayandırdı",
            ShareEnd.BY_COURT: "məhkəmə dayandırdı ({role})",
            ShareEnd.TRANSFERRED: "nümayiş edən başqa otağa keçirildi",
            ShareEnd.REMOVED: "nümayiş edən iclasdan çıxarıldı",
            ShareEnd.SHARER_LEFT: "{left}",
        },
        consultation_ends={
            ConsultationEnd.DECLINED: "{name} imtina etdi",
            ConsultationEnd.ENDED: "{name} bitirdi",
            ConsultationEnd.HEARING_CLOSED: "iclas bağlandı",
            ConsultationEnd.MEMBER_REMOVED: "iştirakçılardan biri çıxarıldı",
        },
        exhibits={
            "offered": "Sübut № {number} təqdim edildi: {who}: {description}",
            "put_forward": "Sübut № {number} məhkəmə tərəfindən təqdim edildi: {description}",
            "ruled_because": "Sübut № {number} {status}: {reason}",
            "ruled": "Sübut № {number} {status}",
            "described": "Sübut № {number} təsviri: {description}",
            "shown": "Sübut № {number} ekranda göstərildi",
            "hidden_span": "Sübut № {number} ekrandan götürüldü ({start} – {end} göstərildi)",
            "hidden": "Sübut № {number} ekrandan götürüldü",
        },
        exhibit_statuses={
            ExhibitStatus.OFFERED: "təqdim edildi",
            ExhibitStatus.ADMITTED: "qəbul edildi",
            ExhibitStatus.EXCLUDED: "istisna edildi",
        },
        after_gap="{seconds} san. fasilədən sonra",
        after="{seconds} san. sonra",
        resumed="iclas audioyazı olmadan «{state}» vəziyyətində idi (server yenidən başladı); "
        "audioyazı {recording_id} yazısında davam edir",
        off_the_record="audioyazıdan kənar",
    ),
)
