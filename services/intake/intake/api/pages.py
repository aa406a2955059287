"""Minimal public HTML pages (verification, return from the payment gateway): server-rendered,
mobile first, Vietnamese, no script. Callers escape what they put in."""

from fastapi.responses import HTMLResponse

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:0;padding:1rem;max-width:32rem;margin:auto;"
    "line-height:1.5;color:#1a1a1a}h1{font-size:1.3rem}.ok{color:#0a6b2b}.bad{color:#a4161a}"
    ".warn{color:#8a5a00}dl{display:grid;grid-template-columns:auto "
    "1fr;gap:.3rem 1rem}dt{font-weight:600}"
)


def page(title: str, body: str, status: int = 200) -> HTMLResponse:
    html = (
        f'<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{_STYLE}</style></head><body><h1>{title}</h1>{body}</body></html>"
    )
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})
