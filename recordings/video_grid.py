"""The picture of the viewing copy: one labelled tile per participant, composed in YUV 4:2:0.

Pictures are composed in the pixel format the VP8 decoder gives and H.264 takes (yuv420p,
BT.601 limited range), so no frame is ever converted to RGB: a tile is a few numpy slice
copies. Everything that does not move (background, labels, placeholders) is drawn once
with Pillow at construction and converted once; labels are text drawn as pixels, never
interpreted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import av
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

Plane = npt.NDArray[np.uint8]
RGB = tuple[int, int, int]

BACKGROUND: RGB = (10, 11, 13)
PLACEHOLDER: RGB = (38, 42, 50)  # a participant without video
STRIP: RGB = (22, 24, 28)  # under a tile's label
NAME: RGB = (255, 255, 255)
ROLE: RGB = (170, 178, 190)
GAP = 4  # pixels between tiles and around the grid
NO_VIDEO = "No video was recorded"  # the picture of a hearing heard only
# Limited-range black (Y, U, V): the letterbox around a picture of another aspect ratio.
_BLACK = (16, 128, 128)
_MAX_TEXT = 120  # characters drawn of a name or role; a tile shows far fewer anyway


@dataclass(frozen=True, slots=True)
class Label:
    """What a tile says: the participant's name and their role, already in words."""

    name: str
    role: str


@dataclass(frozen=True, slots=True)
class Tile:
    """A participant's place in the picture (pixels, all even, for 4:2:0 chroma)."""

    x: int
    y: int
    width: int
    height: int
    label_height: int  # the strip at the bottom; the video area is above it

    @property
    def video_height(self) -> int:
        return self.height - self.label_height


def layout(count: int, width: int, height: int) -> tuple[Tile, ...]:
    """``count`` tiles in a grid as near square as the count allows, filled row by row."""
    if count <= 0:
        return ()
    columns = math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    tile_width = _even((width - GAP * (columns + 1)) // columns)
    tile_height = _even((height - GAP * (rows + 1)) // rows)
    label_height = _even(max(20, min(48, tile_height // 8)))
    left = _even((width - columns * tile_width - (columns - 1) * GAP) // 2)
    top = _even((height - rows * tile_height - (rows - 1) * GAP) // 2)
    tiles = []
    for i in range(count):
        row, column = divmod(i, columns)
        # A last row that is not full is centred under the others.
        missing = columns - min(columns, count - row * columns)
        shift = _even(missing * (tile_width + GAP) // 2) if missing else 0
        x = left + shift + column * (tile_width + GAP)
        tiles.append(
            Tile(x, top + row * (tile_height + GAP), tile_width, tile_height, label_height)
        )
    return tuple(tiles)


def _even(n: int) -> int:
    return max(2, n - n % 2)


class Grid:
    """Composes output pictures: the fixed parts once, then each frame's videos over them."""

    def __init__(self, labels: list[Label], width: int, height: int) -> None:
        if width % 2 or height % 2:
            raise ValueError("the picture's size must be even")
        self.width, self.height = width, height
        self.tiles = layout(len(labels), width, height)
        self._base = _to_yuv(_draw_base(self.tiles, labels, width, height))

    def fit(self, width: int, height: int) -> tuple[int, int]:
        """The largest even size of a ``width`` x ``height`` picture in a tile's video area
        (every tile has the same size)."""
        tile = self.tiles[0]
        scale = min(tile.width / width, tile.video_height / height)
        return _even(int(width * scale)), _even(int(height * scale))

    def compose(self, videos: list[av.VideoFrame | None]) -> av.VideoFrame:
        """A picture with each tile's video (a yuv420p frame already of a :meth:`fit` size)
        or, where None, its placeholder."""
        canvas = self._base.copy()
        y, u, v = self._planes(canvas)
        for tile, video in zip(self.tiles, videos, strict=True):
            if video is None:
                continue
            # Letterbox first: a picture of another aspect ratio leaves bars around it.
            bottom, right = tile.y + tile.video_height, tile.x + tile.width
            y[tile.y : bottom, tile.x : right] = _BLACK[0]
            u[tile.y // 2 : bottom // 2, tile.x // 2 : right // 2] = _BLACK[1]
            v[tile.y // 2 : bottom // 2, tile.x // 2 : right // 2] = _BLACK[2]
            top = tile.y + (tile.video_height - video.height) // 2 // 2 * 2
            left = tile.x + (tile.width - video.width) // 2 // 2 * 2
            for plane, target, shift in ((0, y, 0), (1, u, 1), (2, v, 1)):
                source = _plane(video, plane)
                row, column = top >> shift, left >> shift  # chroma planes are half size
                target[row : row + source.shape[0], column : column + source.shape[1]] = source
        return av.VideoFrame.from_ndarray(canvas, format="yuv420p")

    def _planes(self, canvas: Plane) -> tuple[Plane, Plane, Plane]:
        w, h = self.width, self.height
        chroma = w * h // 4
        flat = canvas.reshape(-1)
        y = flat[: w * h].reshape(h, w)
        u = flat[w * h : w * h + chroma].reshape(h // 2, w // 2)
        v = flat[w * h + chroma :].reshape(h // 2, w // 2)
        return y, u, v


def _plane(frame: av.VideoFrame, index: int) -> Plane:
    """A view of one plane of a yuv420p frame, without its row padding."""
    plane = frame.planes[index]
    rows: Plane = np.frombuffer(memoryview(plane), np.uint8).reshape(-1, plane.line_size)
    return rows[: plane.height, : plane.width]


def _to_yuv(image: Image.Image) -> Plane:
    """An RGB picture as the (height * 3/2, width) array yuv420p frames are made from."""
    frame = av.VideoFrame.from_ndarray(np.asarray(image), format="rgb24")
    return np.asarray(frame.reformat(format="yuv420p").to_ndarray(), dtype=np.uint8)


def _draw_base(
    tiles: tuple[Tile, ...], labels: list[Label], width: int, height: int
) -> Image.Image:
    image = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    if not tiles:
        font = _font(max(12, height // 20))
        draw.text((width // 2, height // 2), NO_VIDEO, fill=ROLE, font=font, anchor="mm")
    for tile, label in zip(tiles, labels, strict=True):
        name, role = _printable(label.name), _printable(label.role)
        draw.rectangle(
            (tile.x, tile.y, tile.x + tile.width - 1, tile.y + tile.video_height - 1), PLACEHOLDER
        )
        _draw_placeholder_caption(draw, tile, name, role)
        strip_top = tile.y + tile.video_height
        draw.rectangle(
            (tile.x, strip_top, tile.x + tile.width - 1, tile.y + tile.height - 1), STRIP
        )
        _draw_strip(draw, tile, strip_top, name, role)
    return image


def _draw_strip(draw: ImageDraw.ImageDraw, tile: Tile, top: int, name: str, role: str) -> None:
    font = _font(max(10, tile.label_height * 11 // 20))
    padding = tile.label_height // 3
    room = tile.width - 2 * padding
    gap = font.getlength("  ")
    role = _fit(role, font, room // 2)
    role_width = font.getlength(role) if role else 0.0
    name = _fit(name, font, room - role_width - (gap if role else 0))
    middle = top + tile.label_height // 2
    draw.text((tile.x + padding, middle), name, fill=NAME, font=font, anchor="lm")
    if role:
        x = tile.x + padding + font.getlength(name) + gap
        draw.text((x, middle), role, fill=ROLE, font=font, anchor="lm")


def _draw_placeholder_caption(draw: ImageDraw.ImageDraw, tile: Tile, name: str, role: str) -> None:
    size = max(12, min(tile.video_height // 7, tile.width // 14))
    big, small = _font(size), _font(max(10, size * 2 // 3))
    room = tile.width * 9 // 10
    middle_x = tile.x + tile.width // 2
    middle_y = tile.y + tile.video_height // 2
    draw.text((middle_x, middle_y), _fit(name, big, room), fill=NAME, font=big, anchor="md")
    draw.text(
        (middle_x, middle_y + size // 3),
        _fit(role, small, room),
        fill=ROLE,
        font=small,
        anchor="ma",
    )


def _printable(text: str) -> str:
    """Control characters (newlines, bidi overrides) would change how the text is laid out."""
    return "".join(c if c.isprintable() else " " for c in text[:_MAX_TEXT]).strip()


def _fit(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, room: float) -> str:
    if room <= 0:
        return ""
    if font.getlength(text) <= room:
        return text
    while text and font.getlength(text + "…") > room:
        text = text[:-1]
    return text.rstrip() + "…" if text else ""


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # DejaVu covers Latin, Greek and Cyrillic where it is installed; Pillow's own font (a
    # scalable one since 10.1) is the fallback everywhere else.
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)
