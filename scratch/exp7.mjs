import SCIMMY from "scimmy";
SCIMMY.Resources.declare(SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser));
SCIMMY.Resources.declare(SCIMMY.Resources.Group);
SCIMMY.Config.set({patch: true, filter: {supported: true, maxResults: 1000}, sort: true, etag: true, changePassword: false, bulk: false, documentationUri: "https://github.com/x", authenticationSchemes: [{type:"oauthbearertoken", name:"OAuth Bearer Token", description:"Authentication scheme using the OAuth Bearer Token Standard", specUri:"https://www.rfc-editor.org/info/rfc6750", primary:true}]});
const base = "https://h/scim/v2";
for (const R of [SCIMMY.Resources.ServiceProviderConfig, SCIMMY.Resources.ResourceType, SCIMMY.Resources.Schema]) R.basepath(base);
console.log(JSON.stringify(await new SCIMMY.Resources.ServiceProviderConfig().read()).slice(0,900));
const rt = await new SCIMMY.Resources.ResourceType().read(); console.log(JSON.stringify(rt).slice(0,600));
console.log(JSON.stringify(await new SCIMMY.Resources.ResourceType("User").read()));
const sc = await new SCIMMY.Resources.Schema().read(); console.log(sc.totalResults, sc.Resources.map(r=>r.id));
try { await new SCIMMY.Resources.Schema("nope").read() } catch(e) { console.log(e.status, e.message) }
try { console.log(Object.keys(await new SCIMMY.Resources.Schema("urn:ietf:params:scim:schemas:core:2.0:Group").read())) } catch(e) { console.log(e.status, e.message) }
try { await new SCIMMY.Resources.ServiceProviderConfig({filter:'x eq 1'}).read() } catch(e) { console.log(e.status, e.scimType, e.message) }
