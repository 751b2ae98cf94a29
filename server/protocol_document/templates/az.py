"""The protocol document in Azerbaijani (Latin script)."""

# The letters ruff finds ambiguous (ı, ş, ...) are this language's own.
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

from datetime import date

from court.protocol import EntryKind
from court.roles import Role
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
    roles={
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
    },
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
)
