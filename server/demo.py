"""The demo hearing that ``make run`` creates, so a first-time user can try it at once.

It goes through the same machinery as a real hearing: stored hearing and participants,
and join links issued (and recorded) like the staff console issues them.

The bench is the exception, and a deliberate one. In a real court no judge or clerk gets a
join link (the security review's H1): they sign in and press "Join as judge/clerk" in the
console, which issues a token bound to their staff session. The demo still writes judge and
clerk links, issued in-process, because it runs only on a loopback address (server.cli
refuses it elsewhere), its links file is 0600 under the data directory, and a first-time user
should be able to open a hearing in a minute. ``format_links`` says so, and names the real
way in (sign in as ``judge`` or ``clerk``, whose passwords are in their own 0600 file).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from court.hearing import Hearing, Participant
from court.roles import Role
from server.join_links import JoinLinks
from server.persistence.repositories import HearingRepository, ParticipantRepository

DEMO_CASE_NUMBER = "1-123/2026"
DEMO_TITLE = "State v. Demo Defendant"
DEMO_COURT = "Demo District Court"
DEMO_COURTROOM = "Courtroom 1"
DEMO_JUDGE_USERNAME = "judge"
DEMO_CLERK_USERNAME = "clerk"  # the demo's clerk account (server/auth/bootstrap.py)
DEMO_CAST: tuple[tuple[Role, str], ...] = (
    (Role.JUDGE, "Judge Amina Aliyeva"),
    (Role.CLERK, "Clerk Farid Mammadov"),
    (Role.DEFENDANT, "Rashad Huseynov"),
    (Role.WITNESS, "Leyla Karimova"),
    (Role.OBSERVER, "Public observer"),
)
DEMO_ISSUER = "system:demo"
# Under the data directory, 0600: the links carry bearer tokens (server/cli.py writes it).
DEMO_LINKS_FILE = "demo-links.txt"


@dataclass(frozen=True, slots=True)
class DemoLink:
    participant: Participant
    url: str
    token: str


async def ensure_demo(
    hearings: HearingRepository, participants: ParticipantRepository, links: JoinLinks
) -> tuple[Hearing, list[DemoLink]]:
    """Create the demo hearing if it does not exist yet; issue fresh links for its cast.

    The demo hearing is scheduled to start now and last a day, so its links work for a
    day after each start.
    """
    hearing = await hearings.find_by_case_number(DEMO_CASE_NUMBER)
    if hearing is None:
        hearing = await hearings.create(
            case_number=DEMO_CASE_NUMBER,
            title=DEMO_TITLE,
            court=DEMO_COURT,
            courtroom=DEMO_COURTROOM,
            presiding_judge=DEMO_JUDGE_USERNAME,
            clerk=DEMO_CLERK_USERNAME,
            scheduled_start=datetime.now(UTC).replace(microsecond=0),
            duration=timedelta(hours=8),
        )
        for role, name in DEMO_CAST:
            await participants.add(hearing.id, name=name, role=role)
    cast = await participants.of_hearing(hearing.id)
    order = {role: i for i, (role, _) in enumerate(DEMO_CAST)}
    cast.sort(key=lambda p: order.get(p.role, len(order)))
    expires_at = datetime.now(UTC) + timedelta(days=1)
    result = []
    for participant in cast:
        issued = await links.issue(hearing, participant, by=DEMO_ISSUER, expires_at=expires_at)
        result.append(DemoLink(participant, issued.url, issued.token))
    return hearing, result


def format_links(hearing: Hearing, links: list[DemoLink]) -> str:
    lines = [f"Demo hearing {hearing.case_number}: {hearing.title}", ""]
    for link in links:
        lines.append(f"  {link.participant.role.label:<16} {link.participant.name}")
        lines.append(f"    {link.url}")
    lines.append("")
    lines.append("Open each link in its own browser window (or profile) to join as that person.")
    lines.append(
        "The judge's and the clerk's links exist only in this loopback demo: in a real court "
        "the bench signs in (/login, as 'judge' or 'clerk') and presses Join as judge/clerk "
        "in the console."
    )
    return "\n".join(lines)
