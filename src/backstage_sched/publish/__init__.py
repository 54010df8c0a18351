"""Stage 4, a checked plan turned into what people receive and keep.

The plan folder (:mod:`.folder`), calendar files (:mod:`.ical`), the cost
sheets (:mod:`.costs`), the overview (:mod:`.overview`, its timeline in
:mod:`.timeline`, the names both show in :mod:`.labels`), the messages and
diff of a change (:mod:`.changes`) and sending them (:mod:`.send`).
"""
