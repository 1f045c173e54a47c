"""Backup and restore, for street administrators: a full backup as a zip; a restore takes effect at restart."""

from datetime import datetime

import streamlit as st

from resilient.core import config
from resilient.ops import backup
from resilient.ops.backup import BackupError
from ui import kit, session

page = kit.page()
tr = page.tr
admin = session.require_administrator()
database = session.database()

st.title(tr("backup.title"))
if backup.kept_by_the_server(database.cursor()):
    st.info(tr("backup.on_server"))
    st.code("pg_dump --format=custom --file=district-$(date +%Y%m%d-%H%M).dump \"$RC_DATABASE_URL\"\n"
            "pg_restore --clean --if-exists --dbname=\"$RC_DATABASE_URL\" district-YYYYMMDD-HHMM.dump",
            language="bash")
    st.stop()
st.caption(tr("backup.intro"))
st.download_button(tr("backup.download"), key="backup_zip", mime="application/zip", type="primary",
                   data=lambda: backup.backup_zip(database.cursor(), actor=admin),
                   file_name=f"community-backup-{page.now:%Y%m%d-%H%M}.zip")

st.subheader(tr("backup.restore"))
st.warning(tr("backup.restore_warning"))
upload = kit.file_uploader(tr("backup.restore_file"), ["zip"], "restore_upload")
accept = st.checkbox(tr("backup.accept_unverified"), key="restore_accept_unverified",
                     help=tr("backup.accept_unverified_help"))
if upload is not None and st.button(tr("backup.restore_now"), key="restore_now"):
    try:
        with st.spinner(tr("backup.restoring")):
            manifest = backup.restore_for_next_start(upload, config.database_path(), actor=admin,
                                                     accept_unverified=accept, label=upload.name)
        st.success(tr("backup.restore_pending", created=datetime.fromisoformat(manifest["created_at"])))
    except BackupError as error:
        kit.fail(error)
if backup.pending_path(config.database_path()).exists():
    st.info(tr("backup.pending_exists"))
