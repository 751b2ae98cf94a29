"""The protocol document in Russian."""

# Cyrillic letters that look Latin (а, г, о, ...) are this language's own, not typos.
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

MONTHS = (  # genitive, as a date is written in Russian
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)


def _date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year} г."


ROLES = {
    Role.JUDGE: "Судья",
    Role.CLERK: "Секретарь судебного заседания",
    Role.PROSECUTOR: "Прокурор",
    Role.DEFENCE: "Защитник",
    Role.DEFENDANT: "Подсудимый",
    Role.VICTIM: "Потерпевший",
    Role.WITNESS: "Свидетель",
    Role.EXPERT: "Эксперт",
    Role.INTERPRETER: "Переводчик",
    Role.OBSERVER: "Наблюдатель",
}

STRINGS = Strings(
    language="ru",
    title="Протокол судебного заседания",
    case="Дело №",
    date="Дата",
    court="Суд",
    courtroom="Зал судебного заседания",
    composition="Состав суда",
    presiding_judge="Председательствующий судья",
    participants="Участники процесса",
    proceedings="Ход судебного заседания",
    record_time_note="Время записи указано в часах:минутах:секундах от начала аудиозаписи "
    "заседания; знак — означает запись, сделанную вне аудиозаписи.",
    number="№",
    record_time="Время записи",
    speaker="Выступающий",
    kind="Вид",
    text="Текст",
    no_entries="Записей нет.",
    system="Система (автоматически)",
    in_custody="под стражей",
    signatures="Подписи",
    signed="Подписано",
    unsigned="подпись",
    digest="Хеш SHA-256 подписанного протокола",
    draft="Проект: протокол ещё не подписан судьёй и секретарём.",
    page="Страница {page} из {pages}",
    not_given="—",
    roles=ROLES,
    kinds={
        EntryKind.STATEMENT: "Заявление",
        EntryKind.QUESTION: "Вопрос",
        EntryKind.ANSWER: "Ответ",
        EntryKind.MOTION: "Ходатайство",
        EntryKind.OBJECTION: "Возражение",
        EntryKind.RULING: "Решение суда",
        EntryKind.NOTE: "Примечание",
        EntryKind.EXHIBIT: "Доказательство",
        EntryKind.OFF_THE_RECORD: "Вне аудиозаписи",
        EntryKind.EVENT: "Событие",
        EntryKind.CORRECTION: "Исправление",
    },
    format_date=_date,
    events=EventWords(
        events={
            EventKind.HEARING_STATE_CHANGED: "Изменилось состояние заседания",
            EventKind.RECORDING_STARTED: "Аудиозапись начата",
            EventKind.RECORDING_STOPPED: "Аудиозапись остановлена",
            EventKind.RECORDING_RESUMED: "Аудиозапись возобновлена",
            EventKind.RECORDING_FAILED: "Сбой аудиозаписи",
            EventKind.PARTICIPANT_JOINED: "Подключение",
            EventKind.PARTICIPANT_ADMITTED: "Допуск в зал судебного заседания",
            EventKind.PARTICIPANT_SENT_TO_WAITING_ROOM: "Направление в зал ожидания",
            EventKind.PARTICIPANT_LEFT: "Выход из заседания",
            EventKind.PARTICIPANT_REMOVED: "Удаление из заседания",
            EventKind.PARTICIPANT_READMITTED: "Повторный допуск",
            EventKind.PARTICIPANT_RECONNECTED: "Повторное подключение",
            EventKind.CONNECTION_LOST: "Связь потеряна",
            EventKind.CONNECTION_RESTORED: "Связь восстановлена",
            EventKind.PARTICIPANT_MUTED: "Микрофон отключён судом",
            EventKind.WITNESS_CALLED: "Свидетель вызван",
            EventKind.WITNESS_DISMISSED: "Свидетель отпущен",
            EventKind.WITNESS_RELEASED: "Свидетель освобождён от участия",
            EventKind.CONSULTATION_STARTED: "Начата конфиденциальная консультация",
            EventKind.CONSULTATION_ENDED: "Конфиденциальная консультация окончена",
            EventKind.HEARING_LOCKED: "Доступ в заседание закрыт",
            EventKind.HEARING_UNLOCKED: "Доступ в заседание открыт",
            EventKind.SCREEN_SHARE_STARTED: "Начат показ экрана",
            EventKind.SCREEN_SHARE_STOPPED: "Показ экрана окончен",
        },
        states={
            HearingState.SCHEDULED: "Назначено",
            HearingState.OPEN: "Открыто",
            HearingState.IN_SESSION: "Идёт заседание",
            HearingState.PAUSED: "Перерыв",
            HearingState.SUSPENDED: "Приостановлено",
            HearingState.CLOSED: "Закрыто",
            HearingState.CANCELLED: "Отменено",
        },
        rooms={
            RoomKind.WAITING: "зал ожидания",
            RoomKind.HEARING: "зал судебного заседания",
            RoomKind.CONSULTATION: "комната консультации",
        },
        leave_reasons={
            LeaveReason.LEFT: "вышел сам",
            LeaveReason.DISCONNECTED: "связь прервалась",
            LeaveReason.REPLACED: "подключился заново с другой страницы",
            LeaveReason.REMOVED: "удалён судом",
            LeaveReason.RELEASED: "освобождён как свидетель",
            LeaveReason.CLOSED: "заседание закрыто",
            LeaveReason.NEGOTIATION_FAILED: "не удалось подключить звук и видео",
        },
        roles=ROLES,
        share_ends={
            ShareEnd.BY_SHARER: "остановлен показывающим",
            ShareEnd.BY_COURT: "остановлен судом ({role})",
            ShareEnd.TRANSFERRED: "показывающий переведён в другой зал",
            ShareEnd.REMOVED: "показывающий удалён из заседания",
            ShareEnd.SHARER_LEFT: "{left}",
        },
        consultation_ends={
            ConsultationEnd.DECLINED: "отклонена: {name}",
            ConsultationEnd.ENDED: "окончена: {name}",
            ConsultationEnd.HEARING_CLOSED: "заседание закрыто",
            ConsultationEnd.MEMBER_REMOVED: "один из участников удалён",
        },
        exhibits={
            "offered": "Доказательство № {number} представлено: {who}: {description}",
            "put_forward": "Доказательство № {number} представлено судом: {description}",
            "ruled_because": "Доказательство № {number} {status}: {reason}",
            "ruled": "Доказательство № {number} {status}",
            "described": "Доказательство № {number} описано как: {description}",
            "shown": "Доказательство № {number} показано на экране",
            "hidden_span": "Показ доказательства № {number} окончен (показано с {start} до {end})",
            "hidden": "Показ доказательства № {number} окончен",
        },
        exhibit_statuses={
            ExhibitStatus.OFFERED: "представлено",
            ExhibitStatus.ADMITTED: "допущено",
            ExhibitStatus.EXCLUDED: "исключено",
        },
        after_gap="после перерыва связи {seconds} с",
        after="через {seconds} с",
        resumed="заседание было в состоянии «{state}» без аудиозаписи (сервер перезапущен); "
        "запись продолжается в аудиозаписи {recording_id}",
        off_the_record="вне аудиозаписи",
    ),
)
