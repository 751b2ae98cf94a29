"""Handlers of the live courtroom's commands (PROTOCOL.md): parse, then ask the Courtroom.

Each handler validates its payload into a typed command before anything happens; the
court's rules (who may, in which state) are checked by the Courtroom and its collaborators.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from court.hearing_state import HearingState
from signaling import messages
from signaling.events import ClientEvent
from signaling.exhibits import exhibit_view
from signaling.hearings import HearingRegistry
from signaling.protocol import entry_view
from signaling.session import Session

Handler = Callable[[Session, object], Awaitable[messages.Ack]]


# The last two offenders of the size rules, in code the typed-events work is changing now.
def court_handlers(registry: HearingRegistry) -> dict[str, Handler]:  # noqa: C901, PLR0915
    async def set_hearing_state(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.SetHearingState, payload)
        courtroom = registry.courtroom(session)
        hearing = await courtroom.set_state(
            session.participant, HearingState(command.state), command.reason
        )
        return messages.ok({"hearing": messages.hearing_view(hearing)})

    async def admit(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.ParticipantCommand, payload)
        await registry.courtroom(session).admission.admit(
            session.participant, command.participant_id
        )
        return messages.ok()

    async def admit_all(session: Session, payload: object) -> messages.Ack:
        messages.parse(messages.Empty, payload)
        admitted = await registry.courtroom(session).admission.admit_all(session.participant)
        return messages.ok({"admitted": admitted})

    async def send_to_waiting_room(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.ParticipantWithReason, payload)
        await registry.courtroom(session).admission.send_to_waiting_room(
            session.participant, command.participant_id, command.reason
        )
        return messages.ok()

    async def call_witness(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.ParticipantCommand, payload)
        await registry.courtroom(session).admission.call_witness(
            session.participant, command.participant_id
        )
        return messages.ok()

    async def dismiss_witness(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.DismissWitness, payload)
        await registry.courtroom(session).admission.dismiss_witness(
            session.participant, command.participant_id, release=command.release
        )
        return messages.ok()

    async def mute_participant(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.ParticipantWithReason, payload)
        moderation = registry.courtroom(session).moderation
        await moderation.mute(session.participant, command.participant_id, command.reason)
        return messages.ok()

    async def request_unmute(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.ParticipantCommand, payload)
        moderation = registry.courtroom(session).moderation
        await moderation.request_unmute(session.participant, command.participant_id)
        return messages.ok()

    async def remove_participant(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.RemoveParticipant, payload)
        moderation = registry.courtroom(session).moderation
        await moderation.remove(session.participant, command.participant_id, command.reason)
        return messages.ok()

    async def readmit(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.ParticipantCommand, payload)
        await registry.courtroom(session).moderation.readmit(
            session.participant, command.participant_id
        )
        return messages.ok()

    async def lock_hearing(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.LockHearing, payload)
        await registry.courtroom(session).moderation.lock(session.participant, command.locked)
        return messages.ok()

    async def lower_hand(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.ParticipantCommand, payload)
        await registry.courtroom(session).moderation.lower_hand(
            session.participant, command.participant_id
        )
        return messages.ok()

    async def spotlight(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.Spotlight, payload)
        await registry.courtroom(session).moderation.spotlight(
            session.participant, command.participant_id
        )
        return messages.ok()

    async def open_consultation(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.ConsultationMembers, payload)
        consultation = await registry.courtroom(session).consultations.open(
            session.participant, list(command.participant_ids)
        )
        return messages.ok({"consultation": consultation.view()})

    # ---- any participant ---------------------------------------------------------------

    async def heartbeat(session: Session, payload: object) -> messages.Ack:
        messages.parse(messages.Empty, payload)
        courtroom = registry.courtroom(session)
        courtroom.moderation.heartbeat(session.participant)
        # The protocol's writers keep a record clock in step with this answer's.
        return messages.ok(courtroom.protocol.record_clock(session.participant))

    async def report_device_check(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.DeviceCheck, payload)
        await registry.courtroom(session).moderation.report_device_check(
            session.participant, command.camera, command.microphone, command.speaker
        )
        return messages.ok()

    async def set_muted(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.SetMuted, payload)
        await registry.courtroom(session).moderation.set_muted(session.participant, command.muted)
        return messages.ok()

    async def raise_hand(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.RaiseHand, payload)
        await registry.courtroom(session).moderation.raise_hand(session.participant, command.raised)
        return messages.ok()

    async def send_chat(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.SendChat, payload)
        message = await registry.courtroom(session).chat.send(
            session.participant, command.text, command.to
        )
        return messages.ok({"message": message})

    async def write_protocol_entry(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.WriteProtocolEntry, payload)
        entry = await registry.courtroom(session).protocol.write(session.participant, command)
        return messages.ok({"entry": entry_view(entry)})

    async def dismiss_protocol_suggestion(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.DismissSuggestion, payload)
        await registry.courtroom(session).protocol.dismiss(
            session.participant, command.suggestion_id
        )
        return messages.ok()

    async def register_exhibit(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.RegisterExhibit, payload)
        exhibit = await registry.courtroom(session).exhibits.register(session.participant, command)
        return messages.ok({"exhibit": exhibit_view(exhibit)})

    async def update_exhibit(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.UpdateExhibit, payload)
        exhibit = await registry.courtroom(session).exhibits.update(session.participant, command)
        return messages.ok({"exhibit": exhibit_view(exhibit)})

    async def show_exhibit(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.ShowExhibit, payload)
        exhibit = await registry.courtroom(session).exhibits.show(
            session.participant, command.exhibit_id
        )
        return messages.ok({"exhibit": exhibit_view(exhibit)})

    async def request_consultation(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.ConsultationMembers, payload)
        consultation = await registry.courtroom(session).consultations.request(
            session.participant, list(command.participant_ids)
        )
        return messages.ok({"consultation": consultation.view()})

    async def respond_consultation(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.RespondConsultation, payload)
        consultation = await registry.courtroom(session).consultations.respond(
            session.participant, command.consultation_id, command.accept
        )
        return messages.ok({"consultation": consultation.view()})

    async def end_consultation(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.ConsultationCommand, payload)
        await registry.courtroom(session).consultations.end(
            session.participant, command.consultation_id
        )
        return messages.ok()

    async def start_screen_share(session: Session, payload: object) -> messages.Ack:
        messages.parse(messages.Empty, payload)
        await registry.courtroom(session).screens.start(session.participant)
        return messages.ok()

    async def stop_screen_share(session: Session, payload: object) -> messages.Ack:
        command = messages.parse(messages.StopScreenShare, payload)
        await registry.courtroom(session).screens.stop(session.participant, command.participant_id)
        return messages.ok()

    return {
        ClientEvent.SET_HEARING_STATE: set_hearing_state,
        ClientEvent.ADMIT: admit,
        ClientEvent.ADMIT_ALL: admit_all,
        ClientEvent.SEND_TO_WAITING_ROOM: send_to_waiting_room,
        ClientEvent.CALL_WITNESS: call_witness,
        ClientEvent.DISMISS_WITNESS: dismiss_witness,
        ClientEvent.MUTE_PARTICIPANT: mute_participant,
        ClientEvent.REQUEST_UNMUTE: request_unmute,
        ClientEvent.REMOVE_PARTICIPANT: remove_participant,
        ClientEvent.READMIT: readmit,
        ClientEvent.LOCK_HEARING: lock_hearing,
        ClientEvent.LOWER_HAND: lower_hand,
        ClientEvent.SPOTLIGHT: spotlight,
        ClientEvent.OPEN_CONSULTATION: open_consultation,
        ClientEvent.HEARTBEAT: heartbeat,
        ClientEvent.REPORT_DEVICE_CHECK: report_device_check,
        ClientEvent.SET_MUTED: set_muted,
        ClientEvent.RAISE_HAND: raise_hand,
        ClientEvent.SEND_CHAT: send_chat,
        ClientEvent.WRITE_PROTOCOL_ENTRY: write_protocol_entry,
        ClientEvent.DISMISS_PROTOCOL_SUGGESTION: dismiss_protocol_suggestion,
        ClientEvent.REGISTER_EXHIBIT: register_exhibit,
        ClientEvent.UPDATE_EXHIBIT: update_exhibit,
        ClientEvent.SHOW_EXHIBIT: show_exhibit,
        ClientEvent.REQUEST_CONSULTATION: request_consultation,
        ClientEvent.RESPOND_CONSULTATION: respond_consultation,
        ClientEvent.END_CONSULTATION: end_consultation,
        ClientEvent.START_SCREEN_SHARE: start_screen_share,
        ClientEvent.STOP_SCREEN_SHARE: stop_screen_share,
    }
