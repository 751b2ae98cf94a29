"""The demo hearing that ``make run`` creates, so a first-time user can try it at once."""

from __future__ import annotations

from dataclasses import dataclass

from court.hearing import Hearing, Participant
from court.roles import Role
from server.join_links import JoinLinks
from server.persistence.repositories import HearingRepository, ParticipantRepository

DEMO_CASE_NUMBER = "1-123/2026"
DEMO_TITLE = "State v. Demo Defendant"
DEMO_CAST: tuple[tuple[Role, str], ...] = (
    (Role.JUDGE, "Judge Amina Aliyeva"),
    (Role.CLERK, "Clerk Farid Mammadov"),
    (Role.DEFENDANT, "Rashad Huseynov"),
    (Role.WITNESS, "Leyla Karimova"),
    (Role.OBSERVER, "Public observer"),
)


@dataclass(frozen=True, slots=True)
class DemoLink:
    participant: Participant
    url: str
    token: str


async def ensure_demo(
    hearings: HearingRepository, participants: ParticipantRepository, links: JoinLinks
) -> tuple[Hearing, list[DemoLink]]:
    """Create the demo hearing if it does not exist yet; return fresh links for its cast."""
    hearing = await hearings.find_by_case_number(DEMO_CASE_NUMBER)
    if hearing is None:
        hearing = await hearings.create(case_number=DEMO_CASE_NUMBER, title=DEMO_TITLE)
        for role, name in DEMO_CAST:
            await participants.add(hearing.id, name=name, role=role)
    cast = await participants.of_hearing(hearing.id)
    order = {role: i for i, (role, _) in enumerate(DEMO_CAST)}
    cast.sort(key=lambda p: order.get(p.role, len(order)))
    result = []
    for participant in cast:
        token = links.token_for(participant)
        result.append(DemoLink(participant, links.url_for(token), token))
    return hearing, result


def format_links(hearing: Hearing, links: list[DemoLink]) -> str:
    lines = [f"Demo hearing {hearing.case_number}: {hearing.title}", ""]
    for link in links:
        lines.append(f"  {link.participant.role.label:<16} {link.participant.name}")
        lines.append(f"    {link.url}")
    lines.append("")
    lines.append("Open each link in its own browser window (or profile) to join as that person.")
    return "\n".join(lines)
