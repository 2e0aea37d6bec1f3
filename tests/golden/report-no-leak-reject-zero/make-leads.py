# Writes leads.ndjson: 30 leads with a .edu address, none won; 10 others, all won.
with open("leads.ndjson", "w") as f:
    for i in range(1, 41):
        edu = i <= 30
        f.write('{"id":"L%d","email":"p%d@%s","won":%s}\n' % (i, i, "uni.edu" if edu else "acme.example", "false" if edu else "true"))
