"""A QR code printed at 30 mm on a 203-dpi thermal printer, worn in a wallet, then photographed.

The print: the code and its 4-module quiet zone fill 240 dots, whole dots a
module as the card renderer draws it (3 or 4 dots for a version 10 code), on
a paper area a little larger than the code. The wear: heated
dots that spread or shrink (dot gain), dots that did not print and dead head
elements (white lines along the paper feed), thermal paper that fades
unevenly, scratches and grime. The capture: a phone frame
at a few pixels per millimetre, rotated, tilted (perspective), with the
sensor's pixel integration, defocus, uneven light, sensor noise and JPEG.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from cards.render.flow import module_edges

PRINTER_DPI = 203
CODE_WIDTH_MM = 30.0
PAPER_MARGIN_DOTS = 20  # card around the code's area, each side
OVERSAMPLE = 2  # paper pixels a printer dot, to shape dots and scratches
QUIET_ZONE = 4
MM_PER_DOT = 25.4 / PRINTER_DPI
# The frames a phone's scanner decodes: 1280 pixels across a 65-degree field of view.
FRAME_PIXELS = 1280
FIELD_OF_VIEW_DEGREES = 65.0
SENSOR_SUPERSAMPLE = 2


def pixels_per_mm(distance_mm: float) -> float:
    """Frame pixels a millimetre of card gets at `distance_mm` from the camera."""
    return FRAME_PIXELS / (2 * distance_mm * np.tan(np.radians(FIELD_OF_VIEW_DEGREES / 2)))


@dataclass(frozen=True)
class Severity:
    """Ranges each trial draws its wear and capture parameters from."""

    name: str
    contrast: tuple[float, float]  # ink darkness left after fading, 1 = fresh black
    uneven_fade: float  # relative contrast variation over the print
    dot_loss: float  # share of dots that did not print
    dead_elements: tuple[int, int]  # dead print-head elements (white columns)
    scratches: tuple[int, int]
    dot_gain: tuple[float, float]  # >0 dots spread, <0 dots shrink (in dots)
    distance_mm: tuple[float, float]  # from the phone's camera to the card
    rotation: float  # degrees, either way
    tilt: float  # corner displacement from perspective, share of the code width
    defocus: tuple[float, float]  # Gaussian sigma in frame pixels
    shading: float  # darkest corner of uneven light, share of full light
    noise: float  # sensor noise sigma, grey levels
    jpeg_quality: tuple[int, int]


SEVERITIES = (
    Severity(
        name="light: new print, phone 8-10 cm away",
        contrast=(0.8, 0.95),
        uneven_fade=0.05,
        dot_loss=0.005,
        dead_elements=(0, 0),
        scratches=(0, 1),
        dot_gain=(-0.05, 0.1),
        distance_mm=(80.0, 100.0),
        rotation=3.0,
        tilt=0.02,
        defocus=(0.4, 0.8),
        shading=0.1,
        noise=3.0,
        jpeg_quality=(80, 92),
    ),
    Severity(
        name="worn: months in a wallet, phone 10-15 cm away",
        contrast=(0.45, 0.75),
        uneven_fade=0.15,
        dot_loss=0.03,
        dead_elements=(0, 1),
        scratches=(1, 4),
        dot_gain=(-0.15, 0.2),
        distance_mm=(100.0, 150.0),
        rotation=8.0,
        tilt=0.06,
        defocus=(0.6, 1.1),
        shading=0.3,
        noise=6.0,
        jpeg_quality=(60, 85),
    ),
    Severity(
        name="heavy: badly worn, phone 12-18 cm away",
        contrast=(0.3, 0.55),
        uneven_fade=0.25,
        dot_loss=0.07,
        dead_elements=(1, 3),
        scratches=(3, 8),
        dot_gain=(-0.25, 0.3),
        distance_mm=(120.0, 180.0),
        rotation=8.0,
        tilt=0.1,
        defocus=(0.9, 1.5),
        shading=0.45,
        noise=10.0,
        jpeg_quality=(40, 70),
    ),
)


def code_dots(width_mm: float = CODE_WIDTH_MM) -> int:
    """Printer dots across the area given to the code: 240 for 30 mm at 203 dpi."""
    return round(width_mm / MM_PER_DOT)


def dots_per_module(modules: int, width_mm: float = CODE_WIDTH_MM) -> float:
    """Printer dots a module on average when the code and its quiet zone fill the area."""
    return code_dots(width_mm) / (modules + 2 * QUIET_ZONE)


def print_raster(matrix: np.ndarray, width_mm: float = CODE_WIDTH_MM) -> np.ndarray:
    """Printer dots (True = heated) of the code, centred on the paper around its area.

    The code fills its area as the card renderer draws it: whole dots a
    module, some modules one dot wider than others (`module_edges`).
    """
    size = matrix.shape[0]
    dots = code_dots(width_mm)
    modules = size + 2 * QUIET_ZONE
    if dots < modules:
        raise ValueError(f"a {size}-module code does not fit {dots} dots")
    edges = np.array(module_edges(modules, dots))
    module_of_dot = np.searchsorted(edges, np.arange(dots), side="right") - 1
    quiet = np.zeros((modules, modules), dtype=bool)
    quiet[QUIET_ZONE : QUIET_ZONE + size, QUIET_ZONE : QUIET_ZONE + size] = matrix
    paper = np.zeros((dots + 2 * PAPER_MARGIN_DOTS,) * 2, dtype=bool)
    inside = slice(PAPER_MARGIN_DOTS, PAPER_MARGIN_DOTS + dots)
    paper[inside, inside] = quiet[np.ix_(module_of_dot, module_of_dot)]
    return paper


def _smooth_field(rng: np.random.Generator, size: int, cells: int = 4) -> np.ndarray:
    """A slowly varying random field in [-1, 1]: for uneven fading."""
    coarse = Image.fromarray((rng.random((cells, cells)) * 255).astype(np.uint8))
    field = np.asarray(coarse.resize((size, size), Image.Resampling.BICUBIC), dtype=np.float32)
    return field / 127.5 - 1.0


def worn_print(dots: np.ndarray, severity: Severity, rng: np.random.Generator) -> Image.Image:
    """The printed, worn paper as a grey image, OVERSAMPLE pixels a dot."""
    heated = dots & (rng.random(dots.shape) >= severity.dot_loss)
    for column in rng.integers(
        0, dots.shape[1], rng.integers(*severity.dead_elements, endpoint=True)
    ):
        heated[:, column] = False
    size = dots.shape[0] * OVERSAMPLE
    ink = Image.fromarray((heated * 255).astype(np.uint8)).resize(
        (size, size), Image.Resampling.NEAREST
    )
    # Round, spread or shrunk dots: blur the dot shapes, then cut at a level set by the gain.
    ink = ink.filter(ImageFilter.GaussianBlur(0.45 * OVERSAMPLE))
    gain = rng.uniform(*severity.dot_gain)
    level = np.clip(0.5 - gain, 0.1, 0.9)
    density = np.clip((np.asarray(ink, dtype=np.float32) / 255 - level) * 4 + 0.5, 0, 1)

    contrast = rng.uniform(*severity.contrast)
    contrast_map = contrast * (1 + severity.uneven_fade * _smooth_field(rng, size))
    paper_white = rng.uniform(225, 248)
    grey = paper_white * (1 - np.clip(contrast_map, 0.05, 1) * density)

    image = Image.fromarray(np.clip(grey, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(rng.integers(*severity.scratches, endpoint=True)):
        x0, y0, x1, y1 = rng.uniform(0, size, 4)
        shade = int(paper_white * rng.uniform(0.85, 1.0))
        draw.line((x0, y0, x1, y1), fill=shade, width=int(rng.integers(1, OVERSAMPLE + 1)))
    for _ in range(rng.integers(0, 4)):  # grime: small grey blots
        x, y = rng.uniform(0, size, 2)
        radius = rng.uniform(1, 2.5) * OVERSAMPLE
        draw.ellipse(
            (x - radius, y - radius, x + radius, y + radius), fill=int(rng.uniform(90, 170))
        )
    return image


def _perspective_coefficients(
    frame_points: list[tuple[float, float]], paper_points: list[tuple[float, float]]
) -> list[float]:
    """PIL's 8 coefficients mapping frame pixels back to paper pixels."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(frame_points, paper_points, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    return [float(c) for c in np.linalg.solve(np.array(rows), np.array(rhs))]


@dataclass(frozen=True)
class Capture:
    image: Image.Image
    distance_mm: float


def phone_capture(paper: Image.Image, severity: Severity, rng: np.random.Generator) -> Capture:
    """The paper photographed: scaled, rotated, tilted, blurred, shaded, noisy, JPEG."""
    paper_mm = paper.width / OVERSAMPLE * MM_PER_DOT
    distance_mm = rng.uniform(*severity.distance_mm)
    paper_pixels = paper_mm * pixels_per_mm(distance_mm)
    frame = int(paper_pixels * 1.25)
    angle = np.radians(rng.uniform(-severity.rotation, severity.rotation))
    centre = (0.5 + rng.uniform(-0.05, 0.05, 2)) * frame * SENSOR_SUPERSAMPLE
    half = paper_pixels * SENSOR_SUPERSAMPLE / 2
    corners = []
    for cx, cy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        x, y = cx * half, cy * half
        x, y = x * np.cos(angle) - y * np.sin(angle), x * np.sin(angle) + y * np.cos(angle)
        jitter = rng.uniform(-severity.tilt, severity.tilt, 2) * 2 * half
        corners.append((centre[0] + x + jitter[0], centre[1] + y + jitter[1]))
    w = paper.width
    coefficients = _perspective_coefficients(corners, [(0, 0), (w, 0), (w, w), (0, w)])
    table_grey = int(rng.uniform(40, 120))
    # Project the paper onto a finer grid than the sensor's, then average each sensor
    # pixel's share of it: the light a pixel integrates, with no resampling blur on top.
    shot = paper.transform(
        (frame * SENSOR_SUPERSAMPLE, frame * SENSOR_SUPERSAMPLE),
        Image.Transform.PERSPECTIVE,
        coefficients,
        resample=Image.Resampling.BILINEAR,
        fillcolor=table_grey,
    ).reduce(SENSOR_SUPERSAMPLE)
    shot = shot.filter(ImageFilter.GaussianBlur(rng.uniform(*severity.defocus)))

    pixels = np.asarray(shot, dtype=np.float32)
    steps = np.linspace(-0.5, 0.5, frame, dtype=np.float32)
    direction = rng.uniform(0, 2 * np.pi)
    ramp = (
        np.float32(np.cos(direction)) * steps[None, :]
        + np.float32(np.sin(direction)) * (steps[:, None])
    )
    darkest = np.float32(severity.shading * rng.uniform(0.5, 1))
    light = (1 - darkest * np.clip(ramp + 0.5, 0, 1)) * np.float32(rng.uniform(0.85, 1.1))
    noise = rng.standard_normal(pixels.shape, dtype=np.float32) * np.float32(severity.noise)
    pixels = pixels * light + noise
    shot = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))

    buffer = io.BytesIO()
    shot.save(buffer, format="JPEG", quality=int(rng.integers(*severity.jpeg_quality)))
    buffer.seek(0)
    return Capture(Image.open(buffer), distance_mm)
