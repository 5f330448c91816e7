"""The world map of the public pages: the vendored SVG of `@svg-maps/world` (static data, no tile
server), read once per process and lightened for a web page.

The vendored file weighs 1.2 MB, its outlines drawn to a thousandth of a unit on a map 1010
units wide. Drawn inline in a page, that is far more than a screen shows: each outline is
simplified (Ramer-Douglas-Peucker, within `TOLERANCE` units) and its points rounded to a tenth,
which brings the map to about 190 kB. Territories that would vanish (Monaco, the Vatican, small
islands) keep their full outline, rounded to a hundredth.

The map's ids are ISO 3166-1 alpha-2 codes in lower case, with three exceptions (`ALIASES`).
"""

import functools
import re
import xml.etree.ElementTree as ET  # nosec B405 (only the vendored map is parsed)
from dataclasses import dataclass

from django.contrib.staticfiles import finders

MAP_FILE = "vendor/svg-maps-world/world.svg"
SVG = "{http://www.w3.org/2000/svg}"
# In map units (the map is 1010 wide): a fifth of a pixel when the map is drawn 1010 px wide.
TOLERANCE = 0.2
# The map's ids that are not ISO 3166-1 codes of their own: the Glorioso and Juan de Nova
# islands are part of the French Southern Territories in ISO 3166-1, and the United States
# Minor Outlying Islands are drawn as six shapes ("um-dq", "um-fq"...). "xk" (Kosovo) stays as
# it is: a user-assigned code, unknown to django_countries, titled with the map's own name.
ALIASES = {"go": "TF", "ju": "TF"}
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")

Point = tuple[float, float]


@dataclass(frozen=True)
class Shape:
    code: str  # ISO 3166-1 alpha-2, upper case (or "XK")
    name: str  # the map's own name, in English: the title when django_countries has none
    d: str  # the outline, simplified


@dataclass(frozen=True)
class WorldMap:
    view_box: str
    shapes: tuple[Shape, ...]


@functools.cache
def world_map() -> WorldMap:
    """The vendored map, parsed and simplified on the first call, kept for the process."""
    # The vendored map, never anything a user sends (bandit B314, ruff S314).
    root = ET.parse(finders.find(MAP_FILE)).getroot()  # noqa: S314  # nosec B314
    shapes = []
    for path in root.iter(f"{SVG}path"):
        map_id = path.get("id")
        code = ALIASES.get(map_id, map_id.split("-")[0]).upper()
        rings = list(parse_rings(path.get("d")))
        d = outline(rings, tolerance=TOLERANCE, scale=10) or outline(rings, tolerance=0, scale=100)
        shapes.append(Shape(code=code, name=path.get("aria-label"), d=d))
    return WorldMap(view_box=root.get("viewBox"), shapes=tuple(shapes))


def parse_rings(d: str):
    """The closed rings of a path made of relative moves and implicit line-tos ("m … z"), as
    the vendored map's are, in absolute coordinates."""
    x = y = 0.0
    for part in d.split("z"):
        part = part.strip()
        if not part:
            continue
        if not part.startswith("m"):
            raise ValueError(f"Unexpected path command in the world map: {part[:20]!r}")
        numbers = [float(n) for n in NUMBER.findall(part[1:])]
        x, y = x + numbers[0], y + numbers[1]
        ring = [(x, y)]
        for dx, dy in zip(numbers[2::2], numbers[3::2], strict=True):
            x, y = x + dx, y + dy
            ring.append((x, y))
        yield ring
        # After "z" the current point is the ring's first: the next "m" moves from there.
        x, y = ring[0]


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Ramer-Douglas-Peucker: the fewest of `points` that stay within `tolerance` of the
    line through all of them (the first and last are always kept)."""
    if len(points) < 3 or tolerance <= 0:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    dx, dy = x2 - x1, y2 - y1
    length = (dx * dx + dy * dy) ** 0.5
    farthest, index = -1.0, 0
    for i in range(1, len(points) - 1):
        x, y = points[i]
        if length:
            distance = abs(dy * (x - x1) - dx * (y - y1)) / length
        else:
            distance = ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
        if distance > farthest:
            farthest, index = distance, i
    if farthest <= tolerance:
        return [points[0], points[-1]]
    return simplify(points[: index + 1], tolerance)[:-1] + simplify(points[index:], tolerance)


def outline(rings: list[list[Point]], *, tolerance: float, scale: int) -> str:
    """The rings as an SVG path of relative moves ("m … z"), each simplified, its points
    rounded to 1/`scale`; rings reduced to fewer than three points are left out."""
    parts = []
    previous = (0, 0)  # where the last ring written started, in 1/scale units
    for ring in rings:
        # A closed ring: simplify each half, so that its first point is not the only anchor.
        half = len(ring) // 2
        kept = (
            simplify(ring[: half + 1], tolerance)[:-1]
            + simplify([*ring[half:], ring[0]], tolerance)[:-1]
        )
        points: list[tuple[int, int]] = []
        for x, y in kept:
            point = (round(x * scale), round(y * scale))
            if not points or point != points[-1]:
                points.append(point)
        if len(points) > 1 and points[-1] == points[0]:
            points.pop()
        if len(points) < 3:
            continue
        # Relative moves between rounded points: no rounding error adds up along a ring.
        steps, (px, py) = [], previous
        for x, y in points:
            steps.append(f"{_number(x - px, scale)},{_number(y - py, scale)}")
            px, py = x, y
        parts.append("m" + " ".join(steps) + "z")
        previous = points[0]
    return "".join(parts)


def _number(units: int, scale: int) -> str:
    """`units`/`scale` written short: "12", "-1.5", ".3", "-.05"."""
    sign = "-" if units < 0 else ""
    whole, rest = divmod(abs(units), scale)
    if not rest:
        return f"{sign}{whole}"
    decimals = f"{rest:0{len(str(scale)) - 1}d}".rstrip("0")
    return f"{sign}{whole or ''}.{decimals}"
