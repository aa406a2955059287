"""The public catalogue (công khai thủ tục hành chính): procedures, fees, time limits, units.
No login: this is what the desk and the unit's website show every citizen."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from intake.api.deps import AppDep
from intake.domain.errors import NotFound

UNIT_CODE = Path(pattern=r"^[A-Za-z0-9\-]{1,32}$", description="Mã đơn vị / unit code")


def catalogue_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["catalogue / danh mục (công khai)"])

    @router.get("/procedures", summary="Danh mục thủ tục hành chính / the procedure catalogue")
    async def procedures(
        app: AppDep,
        field: Annotated[
            str | None,
            Query(description="Lọc theo lĩnh vực / filter by field code, e.g. chung-thuc"),
        ] = None,
    ) -> list[dict[str, Any]]:
        return [
            p.model_dump(mode="json")
            for p in await app.catalogue.procedures()
            if field is None or p.field.code == field
        ]

    @router.get("/procedures/{code}", summary="Một thủ tục / one procedure")
    async def procedure(
        app: AppDep, code: Annotated[str, Path(pattern=r"^[A-Za-z0-9.\-]{1,64}$")]
    ) -> dict[str, Any]:
        found = await app.catalogue.procedure(code)
        if found is None:
            raise NotFound("procedure", code)
        return found.model_dump(mode="json")

    @router.get("/units", summary="Đơn vị hành chính / units (province → commune)")
    async def units(app: AppDep) -> list[dict[str, Any]]:
        return [u.model_dump(mode="json") for u in await app.catalogue.units()]

    @router.get("/units/{unit}", summary="Một đơn vị / one unit")
    async def unit(app: AppDep, unit: Annotated[str, UNIT_CODE]) -> dict[str, Any]:
        found = await app.catalogue.unit(unit)
        if found is None:
            raise NotFound("unit", unit)
        return found.model_dump(mode="json")

    return router
