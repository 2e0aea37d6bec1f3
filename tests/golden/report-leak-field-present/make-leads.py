# Writes leads.ndjson: 60 leads, 24 won (40%). segment is on 20 leads, 19 of
# them won (the CRM fills it in when a deal is won); size varies on its own.
with open("leads.ndjson", "w") as f:
    for i in range(1, 61):
        won = i <= 24
        size = 2000 if i % 2 else 50
        seg = ',"segment":"%s"' % ("enterprise" if i % 3 else "smb") if i <= 19 or i == 60 else ""
        f.write('{"id":"L%d","size":%d%s,"won":%s}\n' % (i, size, seg, "true" if won else "false"))
