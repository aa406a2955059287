"""GET /: the messages citizens would have received, newest first (Vietnamese, fits a phone)."""

from html import escape

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from motcua_shared.vietnam.privacy import mask_phone
from motcua_shared.vietnam.timeutil import to_vn

from notify.sandbox.state import Attempt, SandboxState

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#eef1f5;
color:#1b1f24}
header{background:#0b5cad;color:#fff;padding:12px 16px}h1{font-size:1.15rem;margin:0}
header p{margin:4px 0 0;font-size:.85rem;opacity:.9}main{max-width:640px;margin:0 auto;padding:12px}
.card{background:#fff;border-radius:12px;padding:12px 14px;margin:0 0 12px;
box-shadow:0 1px 3px #0002}
.meta{display:flex;flex-wrap:wrap;gap:6px;align-items:center;font-size:.8rem;color:#555;margin-bottom:6px}
.tag{border-radius:999px;padding:2px 8px;color:#fff;font-weight:600}.zalo{background:#0068ff}
.sms{background:#2e7d32}
.ok{color:#2e7d32}.text{white-space:pre-wrap;line-height:1.45}
button{margin-top:8px;margin-right:6px;border:1px solid #0b5cad;background:#fff;color:#0b5cad;
border-radius:8px;
padding:6px 10px;font-size:.85rem}.empty{text-align:center;color:#666;padding:40px 0}
"""

_SCRIPT = """
async function act(url, body){
const r=await fetch(url,{method:'POST',headers:{'Content-Type':'application/json'},
body:body?JSON.stringify(body):null});
if(!r.ok){alert('Không gọi được notify ('+r.status+')')}location.reload()}
"""


def page_router(state: SandboxState) -> APIRouter:
    router = APIRouter(tags=["sandbox page"])

    @router.get("/", response_class=HTMLResponse, summary="Messages citizens would have received")
    async def page() -> HTMLResponse:
        cards = (
            "".join(_card(a) for a in reversed(state.accepted()))
            or '<p class="empty">Chưa có tin nhắn nào. Tin gửi tới công dân sẽ hiện ở đây.</p>'
        )
        html = (
            '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<meta http-equiv="refresh" content="5"><title>Hộp thư thử nghiệm Zalo/SMS</title>'
            f"<style>{_STYLE}</style><script>{_SCRIPT}</script></head><body>"
            "<header><h1>Hộp thư thử nghiệm Zalo / SMS</h1>"
            "<p>Những tin công dân sẽ nhận được (môi trường thử nghiệm, "
            "không gửi ra ngoài).</p></header>"
            f"<main>{cards}</main></body></html>"
        )
        return HTMLResponse(html)

    return router


def _card(attempt: Attempt) -> str:
    channel = "Zalo" if attempt.channel == "zalo" else "SMS"
    when = to_vn(attempt.at).strftime("%H:%M %d/%m/%Y")
    delivered = '<span class="ok">✓ đã nhận</span>' if attempt.delivered else "chưa báo đã nhận"
    extra = (
        f" · {attempt.sms_parts} phần · {escape(attempt.brandname or '')}"
        if attempt.channel == "sms"
        else ""
    )
    buttons = (
        f"<button onclick=\"act('/_sandbox/messages/{attempt.id}/receipt')\">Báo đã nhận</button>"
    )
    if attempt.channel == "sms":
        buttons += (
            f"<button onclick=\"act('/_sandbox/inbound',{{phone:'{escape(attempt.phone)}',"
            f"text:'STOP'}})\">Trả lời STOP</button>"
        )
    return (
        f'<div class="card"><div class="meta"><span class="tag {attempt.channel}">{channel}</span>'
        f"<span>{escape(mask_phone('+' + attempt.phone))}</span><span>{when}</span>"
        f"<span>{delivered}{extra}</span></div>"
        f'<div class="text">{escape(attempt.text)}</div>{buttons}</div>'
    )
