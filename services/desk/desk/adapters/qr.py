"""QR codes as inline SVG (segno, pure Python; error correction M so a worn slip still scans) of
the dossier's public look-up link: Decree 118/2025/NĐ-CP lets the citizen follow the dossier by
its code, which the forms of Circular 03/2025/TT-VPCP Appendix I carry."""

import segno


def qr_svg(data: str) -> str:
    return segno.make(data, error="m").svg_inline(scale=3, border=2, omitsize=False)
