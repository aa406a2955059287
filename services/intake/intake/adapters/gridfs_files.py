"""Digitised files in MongoDB GridFS (bucket `files` of intake's database), so they live with
the dossiers they belong to and every replica of intake reads the same bytes.

GridFS writes several documents per file and MongoDB refuses it inside a multi-document
transaction, so a file is stored first and the dossier's transaction records it after; when
that transaction is refused, the caller deletes the file again (nothing kept on a refusal).
Source: Decree 118/2025/NĐ-CP (digitised dossiers and results kept by the processing agency)."""

from bson import ObjectId
from bson.errors import InvalidId
from gridfs.asynchronous import AsyncGridFSBucket
from gridfs.errors import NoFile
from pymongo.asynchronous.database import AsyncDatabase


class GridFsFileStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.bucket = AsyncGridFSBucket(db, bucket_name="files")

    async def put(self, data: bytes, name: str, content_type: str, metadata: dict[str, str]) -> str:
        file_id = await self.bucket.upload_from_stream(
            name, data, metadata=metadata | {"content_type": content_type}
        )
        return str(file_id)

    async def get(self, file_id: str) -> bytes | None:
        try:
            stream = await self.bucket.open_download_stream(ObjectId(file_id))
        except (InvalidId, NoFile):
            return None
        return await stream.read()

    async def delete(self, file_id: str) -> None:
        try:
            await self.bucket.delete(ObjectId(file_id))
        except (InvalidId, NoFile):
            pass
