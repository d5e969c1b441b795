-- wrk script: log the bench account in, over and over (bcrypt cost 12 each time).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"bench@lifeboat.test","password":"bench-password-1"}'

