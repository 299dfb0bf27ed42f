"""Where a French postal code is, near enough to choose the nearest stores: the point of the
brand's own locations with that postal code when there are some, else its département's
prefecture. Pure, no I/O: the locations come in as data.

A French postal code's first two digits are its département (`20` is Corsica: 200–201 Corse-du-
Sud, 202–206 Haute-Corse), three for the overseas départements (971–976).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from omnicanal.inventory.availability import InvalidAvailability, Point

# département -> its prefecture (latitude, longitude), to about a kilometre
PREFECTURES: dict[str, tuple[float, float]] = {
    "01": (46.205, 5.226), "02": (49.564, 3.620), "03": (46.566, 3.333), "04": (44.092, 6.236),
    "05": (44.559, 6.079), "06": (43.710, 7.262), "07": (44.735, 4.599), "08": (49.773, 4.720),
    "09": (42.965, 1.607), "10": (48.297, 4.074), "11": (43.213, 2.349), "12": (44.350, 2.575),
    "13": (43.297, 5.370), "14": (49.183, -0.371), "15": (44.931, 2.444), "16": (45.648, 0.156),
    "17": (46.160, -1.151), "18": (47.081, 2.399), "19": (45.267, 1.772), "2A": (41.919, 8.738),
    "2B": (42.697, 9.450), "21": (47.322, 5.041), "22": (48.514, -2.765), "23": (46.171, 1.872),
    "24": (45.184, 0.721), "25": (47.238, 6.024), "26": (44.933, 4.892), "27": (49.024, 1.151),
    "28": (48.446, 1.489), "29": (47.996, -4.102), "30": (43.837, 4.360), "31": (43.605, 1.444),
    "32": (43.646, 0.586), "33": (44.838, -0.579), "34": (43.611, 3.877), "35": (48.117, -1.678),
    "36": (46.811, 1.691), "37": (47.394, 0.685), "38": (45.189, 5.725), "39": (46.675, 5.555),
    "40": (43.890, -0.500), "41": (47.586, 1.336), "42": (45.440, 4.387), "43": (45.043, 3.885),
    "44": (47.218, -1.554), "45": (47.903, 1.909), "46": (44.448, 1.441), "47": (44.203, 0.616),
    "48": (44.518, 3.500), "49": (47.478, -0.563), "50": (49.116, -1.091), "51": (48.957, 4.363),
    "52": (48.111, 5.139), "53": (48.073, -0.770), "54": (48.693, 6.184), "55": (48.772, 5.160),
    "56": (47.658, -2.760), "57": (49.119, 6.176), "58": (46.990, 3.159), "59": (50.629, 3.057),
    "60": (49.430, 2.083), "61": (48.432, 0.091), "62": (50.291, 2.778), "63": (45.777, 3.087),
    "64": (43.295, -0.371), "65": (43.233, 0.078), "66": (42.689, 2.895), "67": (48.573, 7.752),
    "68": (48.079, 7.358), "69": (45.764, 4.836), "70": (47.622, 6.155), "71": (46.307, 4.828),
    "72": (48.006, 0.200), "73": (45.564, 5.918), "74": (45.899, 6.129), "75": (48.857, 2.352),
    "76": (49.443, 1.100), "77": (48.540, 2.656), "78": (48.801, 2.130), "79": (46.324, -0.465),
    "80": (49.894, 2.296), "81": (43.929, 2.148), "82": (44.018, 1.355), "83": (43.124, 5.928),
    "84": (43.949, 4.806), "85": (46.670, -1.426), "86": (46.580, 0.340), "87": (45.834, 1.261),
    "88": (48.173, 6.450), "89": (47.798, 3.567), "90": (47.640, 6.863), "91": (48.629, 2.441),
    "92": (48.892, 2.207), "93": (48.910, 2.439), "94": (48.790, 2.455), "95": (49.036, 2.076),
    "971": (15.998, -61.727), "972": (14.616, -61.059), "973": (4.938, -52.330),
    "974": (-20.882, 55.450), "976": (-12.780, 45.228),
}  # fmt: skip

_POSTAL_CODE = re.compile(r"^\d{5}$")


def departement(postal_code: str) -> str | None:
    """The département of a French postal code, or None when it names none."""
    code = postal_code.replace(" ", "")
    if not _POSTAL_CODE.match(code):
        return None
    if code.startswith("97"):
        return code[:3] if code[:3] in PREFECTURES else None
    if code.startswith("20"):
        return "2A" if code[2] in "01" else "2B"
    return code[:2] if code[:2] in PREFECTURES else None


def postal_point(postal_code: str, places: Iterable[tuple[str | None, Point | None]] = ()) -> Point:
    """The point of `postal_code`: the mean of `places` (postal code, point) that share it,
    else its département's prefecture. Raises naming the field when it is not a French postal
    code."""
    code = (postal_code or "").replace(" ", "")
    same = [p for c, p in places if p is not None and c and c.replace(" ", "") == code]
    if same:
        return Point(
            sum(p.latitude for p in same) / len(same), sum(p.longitude for p in same) / len(same)
        )
    found = departement(code)
    if found is None:
        raise InvalidAvailability(
            f"{postal_code!r} is not a French postal code; send latitude and longitude",
            field="postal_code",
        )
    return Point(*PREFECTURES[found])
