"""Japanese trim marks (トンボ) and a media box large enough to hold them.

WeasyPrint's `marks: crop` draws single short lines inside a 3 mm bleed;
a Japanese print shop expects double-line corner marks — one line on the
trim, one on the bleed — and centre marks, all outside the bleed, in
registration colour (printed on every plate). This finisher draws them in
WeasyPrint's PDF before it is written, on a media box enlarged by MARGIN.
"""

from __future__ import annotations

import pydyf

MM = 72 / 25.4
BLEED = 3 * MM
LENGTH = 10 * MM  # how far a mark runs out from the bleed edge
MARGIN = BLEED + LENGTH + 2 * MM  # media box beyond the trim, each side
LINE_WIDTH = 0.1 * MM
CENTRE_BAR = 8 * MM  # the cross bar of a centre mark


def add_trim_marks(pdf: pydyf.PDF) -> None:
    """Enlarge each page's media box and draw the marks around its trim box."""
    registration = _registration_colour_space(pdf)
    for page in pages(pdf):
        left, bottom, right, top = (float(value) for value in page["TrimBox"])
        page["MediaBox"] = pydyf.Array([left - MARGIN, bottom - MARGIN, right + MARGIN, top + MARGIN])
        marks = pydyf.Stream(compress=True)
        marks.push_state()
        marks.set_color_space("Registration", stroke=True)
        marks.set_color_special(None, True, 1)
        marks.set_line_width(LINE_WIDTH)
        for (x1, y1), (x2, y2) in _mark_lines(left, bottom, right, top):
            marks.move_to(x1, y1)
            marks.line_to(x2, y2)
        marks.stroke()
        marks.pop_state()
        pdf.add_object(marks)
        # Wrap the page's own content in q … Q so its transforms don't reach the marks.
        save, restore = pydyf.Stream([b"q"]), pydyf.Stream([b"Q"])
        pdf.add_object(save)
        pdf.add_object(restore)
        page["Contents"] = pydyf.Array([save.reference, page["Contents"], restore.reference,
                                        marks.reference])
        resources = _object(pdf, page["Resources"])
        spaces = _object(pdf, resources["ColorSpace"])
        spaces["Registration"] = registration


def _mark_lines(left: float, bottom: float, right: float, top: float):
    """The segments of the corner and centre marks, in PDF points."""
    lines = []
    for x, x_out in ((left, -1), (right, 1)):
        for y, y_out in ((bottom, -1), (top, 1)):
            bleed_x, bleed_y = x + x_out * BLEED, y + y_out * BLEED
            far_x, far_y = bleed_x + x_out * LENGTH, bleed_y + y_out * LENGTH
            # Lines along the vertical edge, running out past the bleed: on the trim and on the bleed.
            lines.append(((x, bleed_y), (x, far_y)))
            lines.append(((bleed_x, y), (bleed_x, far_y)))
            # Lines along the horizontal edge.
            lines.append(((bleed_x, y), (far_x, y)))
            lines.append(((x, bleed_y), (far_x, bleed_y)))
    middle_x, middle_y = (left + right) / 2, (bottom + top) / 2
    for y, out in ((bottom, -1), (top, 1)):
        start, end = y + out * BLEED, y + out * (BLEED + LENGTH)
        lines.append(((middle_x, start), (middle_x, end)))
        bar_y = y + out * (BLEED + LENGTH / 2)
        lines.append(((middle_x - CENTRE_BAR / 2, bar_y), (middle_x + CENTRE_BAR / 2, bar_y)))
    for x, out in ((left, -1), (right, 1)):
        start, end = x + out * BLEED, x + out * (BLEED + LENGTH)
        lines.append(((start, middle_y), (end, middle_y)))
        bar_x = x + out * (BLEED + LENGTH / 2)
        lines.append(((bar_x, middle_y - CENTRE_BAR / 2), (bar_x, middle_y + CENTRE_BAR / 2)))
    return lines


def _registration_colour_space(pdf: pydyf.PDF) -> pydyf.Array:
    """Separation /All: ink on every plate, tinted through DeviceCMYK."""
    tint = pydyf.Dictionary({
        "FunctionType": 2, "Domain": pydyf.Array([0, 1]),
        "C0": pydyf.Array([0, 0, 0, 0]), "C1": pydyf.Array([1, 1, 1, 1]), "N": 1,
    })
    pdf.add_object(tint)
    return pydyf.Array(["/Separation", "/All", "/DeviceCMYK", tint.reference])


def pages(pdf: pydyf.PDF) -> list[pydyf.Dictionary]:
    return [obj for obj in pdf.objects
            if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/Page"]


def _object(pdf: pydyf.PDF, reference):
    """The object behind an indirect reference (b'12 0 R'), or the value itself."""
    if isinstance(reference, bytes) and reference.endswith(b" R"):
        return pdf.objects[int(reference.split()[0])]
    return reference
