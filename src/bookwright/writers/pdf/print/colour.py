"""Every colour of a finished PDF rewritten in CMYK or grey, for printers that refuse RGB.

WeasyPrint writes what the book's CSS, SVG figures and pictures say, which is RGB. A
PDF/X-1a interior may only use CMYK and grey, with no transparency, and WeasyPrint's
PDF/X variants only write the metadata. So the file is converted after layout, in one
place that sees everything the printer will see: the colour operators of every content
stream (pages, form XObjects, tiling patterns), colour spaces, shadings (gradients) and
raster images, which are decoded, converted with Pillow and re-embedded losslessly.

The conversion is device-level, not colour-managed: neutral greys become pure black ink
(K only, so text never prints in four inks), colours use full grey-component
replacement with total ink limited to 240 %. Transparency on a white page is flattened
by blending with white, which is exact where nothing is drawn underneath (text, rules,
diagrams); soft masks cannot be flattened this way and are reported instead.
"""

from __future__ import annotations

import zlib
from decimal import Decimal

import pikepdf
from pikepdf import Array, Name, Operator
from PIL import Image, ImageFilter

TOTAL_INK = 2.4  # 240 %: what print-on-demand presses accept
RGB_SPACES = {"/DeviceRGB", "/CalRGB"}


def rgb_to_cmyk(r: float, g: float, b: float) -> tuple[float, float, float, float]:
    k = 1.0 - max(r, g, b)
    if k >= 0.999:
        return 0.0, 0.0, 0.0, 1.0
    c, m, y = ((1.0 - v - k) / (1.0 - k) for v in (r, g, b))
    if max(c, m, y) - min(c, m, y) < 0.004:
        c = m = y = 0.0  # a neutral grey: black ink only
    colour = c + m + y
    if colour + k > TOTAL_INK and colour > 0:
        scale = (TOTAL_INK - k) / colour
        c, m, y = c * scale, m * scale, y * scale
    return c, m, y, k


def rgb_to_grey(r: float, g: float, b: float) -> float:
    # The luma weights Pillow's "L" conversion uses, so pictures and vectors agree.
    return 0.299 * r + 0.587 * g + 0.114 * b


def cmyk_to_grey(c: float, m: float, y: float, k: float) -> float:
    return max(0.0, 1.0 - min(1.0, 0.3 * c + 0.59 * m + 0.11 * y + k))


def lab_to_rgb(lightness: float, a: float, b: float, white=(0.9642, 1.0, 0.8249)) -> tuple[float, float, float]:
    fy = (lightness + 16) / 116
    fx, fz = fy + a / 500, fy - b / 200

    def f_inverse(t):
        return t ** 3 if t ** 3 > 0.008856 else (t - 16 / 116) / 7.787

    x, y, z = (f_inverse(t) * w for t, w in zip((fx, fy, fz), white))
    # D50 XYZ → linear sRGB (Bradford-adapted matrix), then the sRGB curve.
    linear = (
        3.1338561 * x - 1.6168667 * y - 0.4906146 * z,
        -0.9787684 * x + 1.9161415 * y + 0.0334540 * z,
        0.0719453 * x - 0.2289914 * y + 1.4052427 * z,
    )
    return tuple(
        min(1.0, max(0.0, 12.92 * v if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055)) for v in linear
    )


def _number(value: float) -> Decimal:
    return Decimal(f"{value:.4f}").normalize() if value else Decimal(0)


class ColourConversion:
    """Converts one open PDF in place. `mode` is "cmyk" or "grey"; `flatten` removes transparency."""

    def __init__(self, pdf: pikepdf.Pdf, mode: str, flatten: bool):
        self.pdf = pdf
        self.mode = mode
        self.flatten = flatten
        self.done: set[tuple[int, int]] = set()
        self.problems: list[str] = []
        self.flattened = 0  # see-through fills and pictures blended with white
        # Pictures go through the same function as vector colours, sampled on a 17³ grid.
        self.image_lut = ImageFilter.Color3DLUT.generate(17, rgb_to_cmyk, channels=4, target_mode="CMYK")

    # --- colours -------------------------------------------------------------------------

    def target_space(self) -> Name:
        return Name.DeviceCMYK if self.mode == "cmyk" else Name.DeviceGray

    def from_rgb(self, rgb) -> list[float]:
        return list(rgb_to_cmyk(*rgb)) if self.mode == "cmyk" else [rgb_to_grey(*rgb)]

    def colour_instruction(self, rgb, stroke: bool, alpha: float) -> pikepdf.ContentStreamInstruction:
        if alpha < 1:
            rgb = tuple(alpha * v + (1 - alpha) for v in rgb)  # over white paper
        values = self.from_rgb(rgb)
        if self.mode == "cmyk":
            op = "K" if stroke else "k"
        else:
            op = "G" if stroke else "g"
        return pikepdf.ContentStreamInstruction([_number(v) for v in values], Operator(op))

    def space_kind(self, space, resources) -> str:
        """'rgb', 'lab', 'cmyk', 'gray', 'pattern' or 'other' for a colour space operand."""
        if isinstance(space, Name) and str(space) in ("/DeviceRGB", "/DeviceCMYK", "/DeviceGray", "/Pattern"):
            return {"/DeviceRGB": "rgb", "/DeviceCMYK": "cmyk", "/DeviceGray": "gray", "/Pattern": "pattern"}[str(space)]
        if isinstance(space, Name):
            spaces = resources.get("/ColorSpace") if resources is not None else None
            if spaces is None or space not in spaces:
                return "other"
            space = spaces[space]
        if isinstance(space, Array) and len(space) >= 1:
            family = str(space[0])
            if family in RGB_SPACES:
                return "rgb"
            if family == "/Lab":
                return "lab"
            if family == "/ICCBased":
                n = int(space[1].get("/N", 0))
                return {1: "gray", 3: "rgb", 4: "cmyk"}.get(n, "other")
            if family == "/Pattern":
                return "pattern"
        elif isinstance(space, Name):
            return self.space_kind(space, None)
        return "other"

    # --- content streams --------------------------------------------------------------------

    def convert_page(self, page: pikepdf.Page) -> None:
        resources = page.obj.get("/Resources")
        data = self.rewrite(pikepdf.parse_content_stream(page.obj), resources)
        page.obj.Contents = self.pdf.make_stream(data)
        if self.flatten and "/Group" in page.obj:
            del page.obj["/Group"]

    def convert_form(self, form: pikepdf.Object, outer: tuple[float, float] = (1.0, 1.0)) -> None:
        """`outer` is the opacity the form is painted with (CSS and SVG `opacity` paint a
        group this way): its colours carry it once the opacity itself is gone."""
        if not self.first_time(form):
            return
        resources = form.get("/Resources")
        form.write(self.rewrite(pikepdf.parse_content_stream(form), resources, outer))
        group = form.get("/Group")
        if group is not None:
            if self.flatten:
                del form["/Group"]  # an isolated group at full opacity paints the same without it
            elif "/CS" in group:
                group.CS = self.target_space()

    def first_time(self, obj: pikepdf.Object) -> bool:
        key = obj.objgen
        if key == (0, 0):
            return True
        if key in self.done:
            return False
        self.done.add(key)
        return True

    def rewrite(self, instructions, resources, outer: tuple[float, float] = (1.0, 1.0)) -> bytes:
        out = []
        # Graphics state that colours depend on: spaces, the last RGB colour set, opacity.
        state = {"fill_space": "gray", "stroke_space": "gray", "fill": None, "stroke": None, "ca": 1.0, "CA": 1.0}

        def alpha(stroke: bool) -> float:
            return state["CA"] * outer[1] if stroke else state["ca"] * outer[0]

        stack = []
        for instruction in instructions:
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                self.problems.append("an inline image could not be converted to CMYK or grey")
                out.append(instruction)
                continue
            operands, op = list(instruction.operands), str(instruction.operator)
            if op == "q":
                stack.append(dict(state))
            elif op == "Q" and stack:
                state = stack.pop()
            if op in ("rg", "RG"):
                stroke = op == "RG"
                rgb = tuple(float(v) for v in operands)
                state["stroke" if stroke else "fill"] = rgb
                state["stroke_space" if stroke else "fill_space"] = "rgb"
                out.append(self.colour_instruction(rgb, stroke, alpha(stroke)))
                continue
            if op in ("k", "K") and self.mode == "grey":
                out.append(pikepdf.ContentStreamInstruction([_number(cmyk_to_grey(*map(float, operands)))],
                                                            Operator("G" if op == "K" else "g")))
                continue
            if op in ("cs", "CS"):
                stroke = op == "CS"
                kind = self.space_kind(operands[0], resources)
                state["stroke_space" if stroke else "fill_space"] = kind
                if kind in ("rgb", "lab") or (kind == "cmyk" and self.mode == "grey"):
                    out.append(pikepdf.ContentStreamInstruction([self.target_space()], Operator(op)))
                    continue
            if op in ("sc", "scn", "SC", "SCN"):
                stroke = op in ("SC", "SCN")
                kind = state["stroke_space" if stroke else "fill_space"]
                if kind == "pattern":
                    self.convert_pattern(operands[-1], resources)
                elif kind in ("rgb", "lab", "cmyk") and all(not isinstance(v, Name) for v in operands):
                    values = [float(v) for v in operands]
                    if kind == "lab":
                        values = list(lab_to_rgb(*values))
                    if kind == "cmyk":
                        if self.mode == "grey":
                            out.append(pikepdf.ContentStreamInstruction([_number(cmyk_to_grey(*values))], Operator(op)))
                            continue
                    else:
                        state["stroke" if stroke else "fill"] = tuple(values)
                        opacity = alpha(stroke)
                        if opacity < 1:
                            values = [opacity * v + (1 - opacity) for v in values]
                        out.append(pikepdf.ContentStreamInstruction([_number(v) for v in self.from_rgb(values)],
                                                                    Operator(op)))
                        continue
            if op == "gs":
                out.append(instruction)
                self.note_graphics_state(operands[0], resources, state, out, outer)
                continue
            if op == "Do":
                self.convert_xobject(operands[0], resources, (alpha(False), alpha(True)) if self.flatten else (1, 1))
            if op == "sh":
                shadings = resources.get("/Shading") if resources is not None else None
                if shadings is not None and operands[0] in shadings:
                    self.convert_shading(shadings[operands[0]])
            out.append(instruction)
        return pikepdf.unparse_content_stream(out)

    def note_graphics_state(self, name, resources, state, out, outer) -> None:
        states = resources.get("/ExtGState") if resources is not None else None
        if states is None or name not in states:
            return
        gs = states[name]
        smask = gs.get("/SMask")
        if smask is not None and smask != Name.None_ and self.flatten:
            self.problems.append("a soft mask (from a see-through gradient or an SVG mask) remains, and PDF/X-1a allows no transparency")
        blend = gs.get("/BM")
        if blend is not None and self.flatten and str(blend) not in ("/Normal", "/Compatible"):
            self.problems.append(f"a blend mode ({str(blend)[1:]}) remains, and PDF/X-1a allows no transparency")
        if not self.flatten:
            return
        for key, colour, stroke in (("/ca", "fill", False), ("/CA", "stroke", True)):
            if key in gs:
                alpha = float(gs[key])
                if alpha != state[key[1:]]:
                    state[key[1:]] = alpha
                    if state[colour] is not None and state[colour + "_space"] == "rgb":
                        out.append(self.colour_instruction(state[colour], stroke, alpha * outer[stroke]))
                if alpha < 1:
                    gs[key] = 1  # the colours carry the opacity now
                    self.flattened += 1

    # --- resources ------------------------------------------------------------------------------

    def convert_xobject(self, name, resources, outer: tuple[float, float]) -> None:
        xobjects = resources.get("/XObject") if resources is not None else None
        if xobjects is None or name not in xobjects:
            return
        xobject = xobjects[name]
        if xobject.get("/Subtype") == Name.Form:
            self.convert_form(xobject, outer)
        elif xobject.get("/Subtype") == Name.Image:
            self.convert_image(xobject)

    def convert_pattern(self, name, resources) -> None:
        patterns = resources.get("/Pattern") if resources is not None else None
        if not isinstance(name, Name) or patterns is None or name not in patterns:
            return
        pattern = patterns[name]
        if int(pattern.get("/PatternType", 0)) == 1:
            self.convert_form(pattern)
        elif "/Shading" in pattern:
            self.convert_shading(pattern.Shading)

    def convert_shading(self, shading) -> None:
        if not self.first_time(shading):
            return
        kind = self.space_kind(shading.get("/ColorSpace"), None)
        if kind == "other" and isinstance(shading.get("/ColorSpace"), Name):
            kind = "other"
        if kind not in ("rgb", "cmyk") or (kind == "cmyk" and self.mode == "cmyk"):
            return
        function = shading.get("/Function")
        functions = [function]
        if function is not None and int(function.get("/FunctionType", -1)) == 3:
            functions = list(function.Functions)
        if function is None or any(int(f.get("/FunctionType", -1)) != 2 for f in functions):
            self.problems.append("a gradient whose colours are not simple stops could not be converted")
            return
        for f in functions:
            for key in ("/C0", "/C1"):
                values = [float(v) for v in f.get(key, Array([0] * (3 if kind == "rgb" else 4)))]
                if kind == "rgb" and len(values) == 3:
                    converted = self.from_rgb(values)
                elif kind == "cmyk" and len(values) == 4:
                    converted = [cmyk_to_grey(*values)]
                else:
                    self.problems.append("a gradient in an unexpected colour space could not be converted")
                    return
                f[key] = Array([_number(v) for v in converted])
        shading.ColorSpace = self.target_space()

    def convert_image(self, image) -> None:
        if not self.first_time(image) or image.get("/ImageMask", False):
            return
        kind = self.space_kind(image.get("/ColorSpace"), None)
        space = image.get("/ColorSpace")
        if isinstance(space, Array) and str(space[0]) == "/Indexed":
            kind = "indexed"
        smask = image.get("/SMask")
        has_alpha = smask is not None and self.flatten
        wants = kind in ("rgb", "lab", "indexed", "other") or (kind == "cmyk" and self.mode == "grey")
        if not wants and not has_alpha:
            return
        try:
            picture = pikepdf.PdfImage(image).as_pil_image()
        except Exception as exc:  # noqa: BLE001 - pikepdf raises several kinds for unsupported images
            self.problems.append(f"a picture could not be decoded for conversion ({exc})")
            return
        if picture.mode == "CMYK" and self.mode == "cmyk" and not has_alpha:
            return
        rgb = picture.convert("RGB")
        if has_alpha:
            alpha = pikepdf.PdfImage(smask).as_pil_image().convert("L").resize(rgb.size)
            white = Image.new("RGB", rgb.size, "white")
            rgb = Image.composite(rgb, white, alpha)
            del image["/SMask"]
            self.flattened += 1
        converted = rgb.filter(self.image_lut) if self.mode == "cmyk" else rgb.convert("L")
        image.write(zlib.compress(converted.tobytes()), filter=Name.FlateDecode)
        image.ColorSpace = self.target_space()
        image.BitsPerComponent = 8
        for key in ("/DecodeParms", "/Decode"):
            if key in image:
                del image[key]

    def run(self) -> ColourConversion:
        for page in self.pdf.pages:
            self.convert_page(page)
        self.problems = sorted(set(self.problems))
        return self


def convert_colours(pdf: pikepdf.Pdf, mode: str, flatten: bool) -> ColourConversion:
    """Rewrites every colour in `pdf` as CMYK or grey. The result lists what could not be
    converted (`problems`) and counts the transparencies blended with white (`flattened`)."""
    return ColourConversion(pdf, mode, flatten).run()
