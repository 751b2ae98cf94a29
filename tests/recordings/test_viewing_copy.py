"""The viewing copy: the participants' video in a labelled grid over the master, as one MP4."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest

from recordings.video_grid import PLACEHOLDER, Tile, layout
from recordings.viewing_copy import FPS, Label, ViewingCopy, _label, build_viewing_copy
from tests.recordings.audio import RATE, dominant_frequency, rms
from tests.support.recorded import Camera, Recorded, record_blocking

RED, GREEN, BLUE = (255, 0, 0), (0, 200, 0), (0, 0, 255)
# The first recording (8 s): the judge throughout, a witness from 2 s to 5 s. The record
# resumes in a second recording (3 s): the witness again from 1.0 s to 2.2 s, and the
# defendant from 0.4 s. In the hearing's record the second starts at 8 s.
FIRST = (
    Camera("prt_judge", RED, 0.0, 8.0),
    Camera("prt_witness", GREEN, 2.0, 5.0),
)
SECOND = (
    Camera("prt_defendant", BLUE, 0.4, 3.0),
    Camera("prt_witness", GREEN, 1.0, 2.2),
)
ORDER = ["prt_judge", "prt_witness", "prt_defendant"]  # first appearance
LABELS = {
    "prt_judge": Label("Anna Berg", "Judge"),
    "prt_witness": Label("Bo Ek\nthe second, whose name is longer than any tile", "Witness"),
    "prt_defendant": Label("C. Dahl", "Defendant"),
}
# Which participants show video at these times of the hearing's record.
PRESENT = {
    1.0: {"prt_judge"},
    3.0: {"prt_judge", "prt_witness"},
    6.0: {"prt_judge"},
    8.2: set(),
    9.5: {"prt_witness", "prt_defendant"},
    10.6: {"prt_defendant"},
}

Picture = npt.NDArray[np.uint8]


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> list[Recorded]:
    root = tmp_path_factory.mktemp("recordings")
    return record_blocking(root, "hrg_view", [(8.0, FIRST), (3.0, SECOND)], segment_s=2.0)


@pytest.fixture(scope="module")
def built(
    recorded: list[Recorded], tmp_path_factory: pytest.TempPathFactory
) -> tuple[ViewingCopy, list[float]]:
    reported: list[float] = []
    out = tmp_path_factory.mktemp("copies") / "viewing-copy.mp4"
    copy = build_viewing_copy([r.path for r in recorded], LABELS, out, reported.append)
    return copy, reported


@pytest.fixture(scope="module")
def copy(built: tuple[ViewingCopy, list[float]]) -> ViewingCopy:
    return built[0]


@pytest.fixture(scope="module")
def pictures(copy: ViewingCopy) -> dict[float, Picture]:
    return pictures_at(copy.path, PRESENT)


def pictures_at(path: Path, times: Iterable[float]) -> dict[float, Picture]:
    """The decoded pictures (RGB) shown at ``times``, in seconds."""
    wanted = sorted(times)
    found: dict[float, Picture] = {}
    with av.open(str(path)) as container:
        for frame in container.decode(container.streams.video[0]):
            assert frame.time is not None
            for t in wanted:
                if frame.time <= t < frame.time + 1 / FPS:
                    found[t] = np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8)
    assert sorted(found) == wanted
    return found


def tiles(copy: ViewingCopy) -> dict[str, Tile]:
    return dict(zip(ORDER, layout(copy.participants, copy.width, copy.height), strict=True))


def video_colour(picture: Picture, tile: Tile) -> npt.NDArray[np.float64]:
    """Mean colour of a patch in the upper middle of the tile's video area: inside a picture
    of any aspect ratio, and above the name a placeholder shows in its middle."""
    x, y = tile.x + tile.width // 2, tile.y + tile.video_height // 4
    mean: npt.NDArray[np.float64] = picture[y - 6 : y + 6, x - 6 : x + 6].reshape(-1, 3).mean(0)
    return mean


def test_the_copy_is_h264_with_aac_as_long_as_the_master(
    recorded: list[Recorded], copy: ViewingCopy
) -> None:
    master_s = sum(r.duration_s for r in recorded)

    with av.open(str(copy.path)) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert video.codec_context.name == "h264" and audio.codec_context.name == "aac"
        assert (video.width, video.height) == (copy.width, copy.height)
        assert audio.rate == RATE
        assert container.duration is not None
        assert container.duration / 1_000_000 == pytest.approx(master_s, abs=1.0)
        for stream in (video, audio):
            assert stream.duration is not None and stream.time_base is not None
            assert float(stream.duration * stream.time_base) == pytest.approx(master_s, abs=1.0)
    assert copy.duration_s == pytest.approx(master_s, abs=0.01)
    assert copy.participants == 3
    data = copy.path.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")  # seekable before it has all arrived


@pytest.mark.parametrize("at", sorted(PRESENT))
def test_each_tile_shows_its_participant_while_present_and_a_placeholder_otherwise(
    copy: ViewingCopy, pictures: dict[float, Picture], at: float
) -> None:
    colours = {"prt_judge": RED, "prt_witness": GREEN, "prt_defendant": BLUE}
    for participant, tile in tiles(copy).items():
        seen = video_colour(pictures[at], tile)
        expected = colours[participant] if participant in PRESENT[at] else PLACEHOLDER
        assert np.abs(seen - expected).max() < 40, (participant, seen)


def test_every_tile_carries_its_label_whether_or_not_there_is_video(
    copy: ViewingCopy, pictures: dict[float, Picture]
) -> None:
    for at in (3.0, 8.2):
        for participant, tile in tiles(copy).items():
            strip = pictures[at][tile.y + tile.video_height + 2 : tile.y + tile.height - 2]
            strip = strip[:, tile.x + 2 : tile.x + tile.width - 2]
            text = strip.max(axis=2) > 180  # the name's white letters on the dark strip
            assert text.sum() > 100 and text.mean() < 0.5, (participant, at)


def test_the_sound_is_the_master(recorded: list[Recorded], copy: ViewingCopy) -> None:
    with av.open(str(copy.path)) as container:
        chunks = [f.to_ndarray().reshape(-1) for f in container.decode(audio=0)]
    samples = np.concatenate(chunks).astype(np.float64)

    assert len(samples) / RATE == pytest.approx(copy.duration_s, abs=0.1)
    for start in (1.0, 9.0):  # both recordings
        second = samples[int(start * RATE) : int((start + 1) * RATE)]
        assert abs(dominant_frequency(second) - recorded[0].tone_hz) < 5.0
        assert rms(second) > 0.1


def test_progress_rises_to_one(built: tuple[ViewingCopy, list[float]]) -> None:
    _, reported = built
    assert len(reported) >= 10
    assert all(0.0 <= f <= 1.0 for f in reported)
    assert reported == sorted(reported)
    assert reported[-1] == 1.0


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_track_file_shows_the_placeholder_and_the_build_goes_on(
    recorded: list[Recorded], tmp_path: Path, damage: str
) -> None:
    directory = tmp_path / recorded[0].path.name
    shutil.copytree(recorded[0].path, directory)
    (track,) = directory.glob("track-prt_witness-video-*.webm")
    data = track.read_bytes()
    track.write_bytes(bytes(len(data)) if damage == "garbage" else data[: len(data) // 3])

    copy = build_viewing_copy([directory], LABELS, tmp_path / "copy.mp4")
    pictures = pictures_at(copy.path, [1.0, 4.5])

    assert copy.participants == 2  # the witness keeps a tile, with the placeholder
    assert copy.duration_s == pytest.approx(recorded[0].duration_s, abs=0.01)
    judge, witness = layout(2, copy.width, copy.height)
    for picture in pictures.values():
        assert np.abs(video_colour(picture, judge) - RED).max() < 40
    assert np.abs(video_colour(pictures[4.5], witness) - PLACEHOLDER).max() < 40


def test_a_hearing_without_video_is_its_sound_over_a_still_picture(tmp_path: Path) -> None:
    (recorded,) = record_blocking(tmp_path / "recordings", "hrg_audio", [(2.0, ())])

    copy = build_viewing_copy([recorded.path], {}, tmp_path / "copy.mp4")

    assert copy.participants == 0
    assert copy.duration_s == pytest.approx(2.0, abs=0.01)
    with av.open(str(copy.path)) as container:
        assert container.duration is not None
        assert container.duration / 1_000_000 == pytest.approx(2.0, abs=1.0)
        assert len(list(container.decode(video=0))) == 2 * FPS


def test_a_shared_screen_is_a_tile_of_its_own_labelled_as_the_sharer_s_screen(
    tmp_path: Path,
) -> None:
    cameras = (
        Camera("prt_judge", RED, 0.0, 4.0),
        Camera("prt_expert", GREEN, 0.0, 4.0),
        Camera("prt_expert", BLUE, 1.0, 3.0, kind="screen"),
    )
    (recorded,) = record_blocking(tmp_path / "recordings", "hrg_screen", [(4.0, cameras)])
    assert sorted(p.name for p in recorded.path.glob("track-prt_expert-*.webm")) == [
        "track-prt_expert-screen-1.webm",
        "track-prt_expert-video-1.webm",
    ]
    labels = {"prt_judge": LABELS["prt_judge"], "prt_expert": Label("E. Fors", "Expert")}

    copy = build_viewing_copy([recorded.path], labels, tmp_path / "copy.mp4")
    pictures = pictures_at(copy.path, [0.5, 2.0, 3.5])

    assert copy.participants == 3  # the judge, the expert, and the expert's screen
    expert, judge, screen = layout(3, copy.width, copy.height)  # in order of first frame
    assert _label(labels, "prt_expert:screen") == Label("E. Fors — screen", "Expert")
    for at, shown in ((0.5, PLACEHOLDER), (2.0, BLUE), (3.5, PLACEHOLDER)):
        assert np.abs(video_colour(pictures[at], screen) - shown).max() < 40, at
        assert np.abs(video_colour(pictures[at], expert) - GREEN).max() < 40, at
        assert np.abs(video_colour(pictures[at], judge) - RED).max() < 40, at
