-- wrk: client-credentials token requests for an organization (RS256 signing on every request).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "grant_type=client_credentials"
  .. "&client_id=travel0ReportingJob0000000000001"
  .. "&client_secret=demo-reporting-secret-000000000000000000000000000000000000000001"
  .. "&audience=https%3A%2F%2Fapi.travel0.example%2F"
  .. "&organization=org_acmeTravel000001"
