"""The live courtroom's commands (SIGNALING.md), as rows: the event, the payload's model,
and what it does with the Courtroom.

Every payload is validated into its typed command before anything happens; the court's
rules (who may, in which state) are checked by the Courtroom and its collaborators. A new
command is one row and one small function here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Generic, TypeVar

from court.errors import PermissionDenied
from court.hearing import Participant
from court.hearing_state import HearingState
from court.permissions import Permission
from signaling import messages
from signaling.events import ClientEvent
from signaling.hearings import HearingRegistry
from signaling.live import views
from signaling.live.courtroom import Courtroom
from signaling.live.features.exhibits import exhibit_view
from signaling.live.features.protocol import entry_view
from signaling.live.session import Session

Handler = Callable[[Session, object], Awaitable[messages.Ack]]
C = TypeVar("C", bound=messages.Command)
# What a command answers with (the acknowledgement's data), or None for nothing.
Answer = dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class CommandRow(Generic[C]):
    event: ClientEvent
    model: type[C]
    run: Callable[[Courtroom, Participant, C], Awaitable[Answer]]
    # The permission the command needs, checked before it runs (None: any participant; the
    # rules that depend on more than the role, such as who may change the hearing to which
    # state, are the Courtroom's).
    requires: Permission | None = None


# How a refusal is said, per permission a row may require.
REFUSED: Final[Mapping[Permission, str]] = {
    Permission.MODERATE: "only the court may do this, not the {role}",
    Permission.WRITE_PROTOCOL: "Only the judge and the clerk keep the protocol and its exhibits.",
}


def authorise(row: CommandRow[Any], by: Participant) -> None:
    """PermissionDenied unless ``by`` holds the permission ``row`` requires."""
    if row.requires is not None and not by.can(row.requires):
        raise PermissionDenied(REFUSED[row.requires].format(role=by.role.label))


# ---- the bench --------------------------------------------------------------------------


async def _set_hearing_state(
    court: Courtroom, by: Participant, command: messages.SetHearingState
) -> Answer:
    hearing = await court.set_state(by, HearingState(command.state), command.reason)
    return {"hearing": views.hearing_view(hearing)}


async def _admit(court: Courtroom, by: Participant, command: messages.ParticipantCommand) -> Answer:
    await court.admission.admit(by, command.participant_id)
    return None


async def _admit_all(court: Courtroom, by: Participant, _: messages.Empty) -> Answer:
    return {"admitted": await court.admission.admit_all(by)}


async def _send_to_waiting_room(
    court: Courtroom, by: Participant, command: messages.ParticipantWithReason
) -> Answer:
    await court.admission.send_to_waiting_room(by, command.participant_id, command.reason)
    return None


async def _call_witness(
    court: Courtroom, by: Participant, command: messages.ParticipantCommand
) -> Answer:
    await court.admission.call_witness(by, command.participant_id)
    return None


async def _dismiss_witness(
    court: Courtroom, by: Participant, command: messages.DismissWitness
) -> Answer:
    await court.admission.dismiss_witness(by, command.participant_id, release=command.release)
    return None


async def _mute_participant(
    court: Courtroom, by: Participant, command: messages.ParticipantWithReason
) -> Answer:
    await court.moderation.mute(by, command.participant_id, command.reason)
    return None


async def _request_unmute(
    court: Courtroom, by: Participant, command: messages.ParticipantCommand
) -> Answer:
    await court.moderation.request_unmute(by, command.participant_id)
    return None


async def _remove_participant(
    court: Courtroom, by: Participant, command: messages.RemoveParticipant
) -> Answer:
    await court.moderation.remove(by, command.participant_id, command.reason)
    return None


async def _readmit(
    court: Courtroom, by: Participant, command: messages.ParticipantCommand
) -> Answer:
    await court.moderation.readmit(by, command.participant_id)
    return None


async def _lock_hearing(court: Courtroom, by: Participant, command: messages.LockHearing) -> Answer:
    await court.moderation.lock(by, command.locked)
    return None


async def _lower_hand(
    court: Courtroom, by: Participant, command: messages.ParticipantCommand
) -> Answer:
    await court.moderation.lower_hand(by, command.participant_id)
    return None


async def _spotlight(court: Courtroom, by: Participant, command: messages.Spotlight) -> Answer:
    await court.moderation.spotlight(by, command.participant_id)
    return None


async def _open_consultation(
    court: Courtroom, by: Participant, command: messages.ConsultationMembers
) -> Answer:
    consultation = await court.consultations.open(by, list(command.participant_ids))
    return {"consultation": consultation.view()}


# ---- any participant --------------------------------------------------------------------


async def _heartbeat(court: Courtroom, by: Participant, _: messages.Empty) -> Answer:
    court.moderation.heartbeat(by)
    # The protocol's writers keep a record clock in step with this answer's.
    return court.protocol.record_clock(by)


async def _report_device_check(
    court: Courtroom, by: Participant, command: messages.DeviceCheck
) -> Answer:
    await court.moderation.report_device_check(
        by, command.camera, command.microphone, command.speaker
    )
    return None


async def _set_muted(court: Courtroom, by: Participant, command: messages.SetMuted) -> Answer:
    await court.moderation.set_muted(by, command.muted)
    return None


async def _raise_hand(court: Courtroom, by: Participant, command: messages.RaiseHand) -> Answer:
    await court.moderation.raise_hand(by, command.raised)
    return None


async def _send_chat(court: Courtroom, by: Participant, command: messages.SendChat) -> Answer:
    return {"message": await court.chat.send(by, command.text, command.to)}


async def _write_protocol_entry(
    court: Courtroom, by: Participant, command: messages.WriteProtocolEntry
) -> Answer:
    return {"entry": entry_view(await court.protocol.write(by, command))}


async def _dismiss_protocol_suggestion(
    court: Courtroom, by: Participant, command: messages.DismissSuggestion
) -> Answer:
    await court.protocol.dismiss(by, command.suggestion_id)
    return None


async def _register_exhibit(
    court: Courtroom, by: Participant, command: messages.RegisterExhibit
) -> Answer:
    return {"exhibit": exhibit_view(await court.exhibits.register(by, command))}


async def _update_exhibit(
    court: Courtroom, by: Participant, command: messages.UpdateExhibit
) -> Answer:
    return {"exhibit": exhibit_view(await court.exhibits.update(by, command))}


async def _show_exhibit(court: Courtroom, by: Participant, command: messages.ShowExhibit) -> Answer:
    return {"exhibit": exhibit_view(await court.exhibits.show(by, command.exhibit_id))}


async def _confirm_exhibit_offer(
    court: Courtroom, by: Participant, command: messages.ConfirmExhibitOffer
) -> Answer:
    exhibit = await court.exhibits.confirm(by, command.offer_id, command.description)
    return {"exhibit": exhibit_view(exhibit)}


async def _dismiss_exhibit_offer(
    court: Courtroom, by: Participant, command: messages.ExhibitOfferCommand
) -> Answer:
    await court.exhibits.dismiss(by, command.offer_id)
    return None


async def _request_consultation(
    court: Courtroom, by: Participant, command: messages.ConsultationMembers
) -> Answer:
    consultation = await court.consultations.request(by, list(command.participant_ids))
    return {"consultation": consultation.view()}


async def _respond_consultation(
    court: Courtroom, by: Participant, command: messages.RespondConsultation
) -> Answer:
    consultation = await court.consultations.respond(by, command.consultation_id, command.accept)
    return {"consultation": consultation.view()}


async def _end_consultation(
    court: Courtroom, by: Participant, command: messages.ConsultationCommand
) -> Answer:
    await court.consultations.end(by, command.consultation_id)
    return None


async def _start_screen_share(court: Courtroom, by: Participant, _: messages.Empty) -> Answer:
    await court.screens.start(by)
    return None


async def _stop_screen_share(
    court: Courtroom, by: Participant, command: messages.StopScreenShare
) -> Answer:
    await court.screens.stop(by, command.participant_id)
    return None


COMMANDS: tuple[CommandRow[Any], ...] = (
    CommandRow(ClientEvent.SET_HEARING_STATE, messages.SetHearingState, _set_hearing_state),
    CommandRow(ClientEvent.ADMIT, messages.ParticipantCommand, _admit, Permission.MODERATE),
    CommandRow(ClientEvent.ADMIT_ALL, messages.Empty, _admit_all, Permission.MODERATE),
    CommandRow(
        ClientEvent.SEND_TO_WAITING_ROOM,
        messages.ParticipantWithReason,
        _send_to_waiting_room,
        Permission.MODERATE,
    ),
    CommandRow(
        ClientEvent.CALL_WITNESS, messages.ParticipantCommand, _call_witness, Permission.MODERATE
    ),
    CommandRow(
        ClientEvent.DISMISS_WITNESS, messages.DismissWitness, _dismiss_witness, Permission.MODERATE
    ),
    CommandRow(
        ClientEvent.MUTE_PARTICIPANT,
        messages.ParticipantWithReason,
        _mute_participant,
        Permission.MODERATE,
    ),
    CommandRow(
        ClientEvent.REQUEST_UNMUTE,
        messages.ParticipantCommand,
        _request_unmute,
        Permission.MODERATE,
    ),
    CommandRow(
        ClientEvent.REMOVE_PARTICIPANT,
        messages.RemoveParticipant,
        _remove_participant,
        Permission.MODERATE,
    ),
    CommandRow(ClientEvent.READMIT, messages.ParticipantCommand, _readmit, Permission.MODERATE),
    CommandRow(ClientEvent.LOCK_HEARING, messages.LockHearing, _lock_hearing, Permission.MODERATE),
    CommandRow(
        ClientEvent.LOWER_HAND, messages.ParticipantCommand, _lower_hand, Permission.MODERATE
    ),
    CommandRow(ClientEvent.SPOTLIGHT, messages.Spotlight, _spotlight, Permission.MODERATE),
    CommandRow(
        ClientEvent.OPEN_CONSULTATION,
        messages.ConsultationMembers,
        _open_consultation,
        Permission.MODERATE,
    ),
    CommandRow(ClientEvent.HEARTBEAT, messages.Empty, _heartbeat),
    CommandRow(ClientEvent.REPORT_DEVICE_CHECK, messages.DeviceCheck, _report_device_check),
    CommandRow(ClientEvent.SET_MUTED, messages.SetMuted, _set_muted),
    CommandRow(ClientEvent.RAISE_HAND, messages.RaiseHand, _raise_hand),
    CommandRow(ClientEvent.SEND_CHAT, messages.SendChat, _send_chat),
    CommandRow(
        ClientEvent.WRITE_PROTOCOL_ENTRY,
        messages.WriteProtocolEntry,
        _write_protocol_entry,
        Permission.WRITE_PROTOCOL,
    ),
    CommandRow(
        ClientEvent.DISMISS_PROTOCOL_SUGGESTION,
        messages.DismissSuggestion,
        _dismiss_protocol_suggestion,
        Permission.WRITE_PROTOCOL,
    ),
    CommandRow(
        ClientEvent.REGISTER_EXHIBIT,
        messages.RegisterExhibit,
        _register_exhibit,
        Permission.WRITE_PROTOCOL,
    ),
    CommandRow(
        ClientEvent.UPDATE_EXHIBIT,
        messages.UpdateExhibit,
        _update_exhibit,
        Permission.WRITE_PROTOCOL,
    ),
    CommandRow(
        ClientEvent.SHOW_EXHIBIT, messages.ShowExhibit, _show_exhibit, Permission.WRITE_PROTOCOL
    ),
    CommandRow(
        ClientEvent.CONFIRM_EXHIBIT_OFFER,
        messages.ConfirmExhibitOffer,
        _confirm_exhibit_offer,
        Permission.WRITE_PROTOCOL,
    ),
    CommandRow(
        ClientEvent.DISMISS_EXHIBIT_OFFER,
        messages.ExhibitOfferCommand,
        _dismiss_exhibit_offer,
        Permission.WRITE_PROTOCOL,
    ),
    CommandRow(
        ClientEvent.REQUEST_CONSULTATION, messages.ConsultationMembers, _request_consultation
    ),
    CommandRow(
        ClientEvent.RESPOND_CONSULTATION, messages.RespondConsultation, _respond_consultation
    ),
    CommandRow(ClientEvent.END_CONSULTATION, messages.ConsultationCommand, _end_consultation),
    CommandRow(ClientEvent.START_SCREEN_SHARE, messages.Empty, _start_screen_share),
    CommandRow(ClientEvent.STOP_SCREEN_SHARE, messages.StopScreenShare, _stop_screen_share),
)


def _handler(registry: HearingRegistry, row: CommandRow[Any]) -> Handler:
    async def handle(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(row.model, payload)  # before anything: bad input changes nothing
        courtroom = registry.courtroom(session)  # joined, or InvalidState
        authorise(row, session.participant)
        return messages.ok(await row.run(courtroom, session.participant, command))

    return handle


def court_handlers(registry: HearingRegistry) -> dict[str, Handler]:
    return {row.event: _handler(registry, row) for row in COMMANDS}
