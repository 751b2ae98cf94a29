"""The protocol document in Russian."""

# Cyrillic letters that look Latin (а, г, о, ...) are this language's own, not typos.
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

from datetime import date

from court.exhibits import ExhibitStatus
from court.hearing_state import HearingState
from court.protocol import EntryKind
from court.roles import Role
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
    roles={
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
    },
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
    events={
        "The hearing's state changed": "Изменилось состояние заседания",
        "The recording started": "Аудиозапись начата",
        "The recording stopped": "Аудиозапись остановлена",
        "The recording resumed": "Аудиозапись возобновлена",
        "The recording failed": "Сбой аудиозаписи",
        "Joined": "Подключение",
        "Admitted to the hearing room": "Допуск в зал судебного заседания",
        "Sent to the waiting room": "Направление в зал ожидания",
        "Left": "Выход из заседания",
        "Removed from the hearing": "Удаление из заседания",
        "Readmitted": "Повторный допуск",
        "Reconnected": "Повторное подключение",
        "Connection lost": "Связь потеряна",
        "Connection restored": "Связь восстановлена",
        "Muted by the court": "Микрофон отключён судом",
        "Witness called": "Свидетель вызван",
        "Witness dismissed": "Свидетель отпущен",
        "Private consultation started": "Начата конфиденциальная консультация",
        "Private consultation ended": "Конфиденциальная консультация окончена",
        "The hearing's door was locked or unlocked": "Доступ в заседание закрыт или открыт",
        "Screen shared": "Начат показ экрана",
        "Screen sharing ended": "Показ экрана окончен",
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
)
