# Textos do Assent em português (Brasil).
date-format = %-d de %B de %Y

## Shell
skip-to-content = Pular para o conteúdo
language = Idioma
language-change = Mudar idioma
page-suffix = Assent

## Home
home-title = Início
home-lead = A tela de consentimento do seu servidor de autorização: mostra às pessoas exatamente o que um aplicativo pede, permite conceder tudo, uma parte ou nada, e respeita a decisão delas.
home-issuer = Servidor de autorização:
home-portal-link = Revisar os aplicativos aos quais você deu acesso
home-demo-link = Abrir o aplicativo de demonstração do sandbox
home-demo-hint = Entre como user, user2 ou user3 com a senha p@ssword!

## Consent screen
consent-page-title = Pedido de consentimento
consent-title = { $client } quer acessar sua conta
consent-signed-in = Conectado como { $user }
consent-asks = Ele pede para:
consent-also-receive = Ele também receberá:
consent-change-mind = Você pode mudar de ideia a qualquer momento: revogue este acesso na página da sua conta.
consent-required = (necessário para entrar)
consent-about-app = Sobre este aplicativo
consent-nothing = Nada para mostrar
consent-nothing-lead = Abra esta página a partir do aplicativo em que você está entrando.
consent-select-one = Selecione pelo menos uma permissão para permitir, ou escolha Recusar.
link-website = Site
link-policy = Política de privacidade
link-terms = Termos de serviço
other-permissions = Outras permissões
allow = Permitir
deny = Recusar

## Portal
portal-title = Seus aplicativos conectados
portal-lead = Veja cada aplicativo que você autorizou a acessar sua conta, o que cada um pode fazer, e retire o acesso quando quiser.
sign-in = Entrar
sign-out = Sair
portal-signed-in = Conectado como { $user }
portal-filter-label = Filtrar por nome
portal-filter = Filtrar
portal-empty = Nenhum aplicativo tem acesso à sua conta. Quando você autorizar um, ele aparecerá aqui.
portal-no-match = Nenhum aplicativo corresponde a este filtro.
portal-apps-label = Aplicativos com acesso
portal-active = Ativo
portal-granted = Acesso concedido em { $date }
portal-can = Ele pode:
portal-receives = Ele recebe:
portal-revoke = Revogar acesso
portal-revoke-label = Revogar o acesso de { $client }
portal-revoked = Acesso revogado. O aplicativo não pode mais usar sua conta.
revoke-page-title = Revogar acesso
revoke-title = Revogar o acesso de { $client }?
revoke-loses = { $client } perde imediatamente o acesso à sua conta, e os tokens de login dele deixam de funcionar.
revoke-data = Ele ainda pode ter dados obtidos antes; peça ao aplicativo se quiser que sejam apagados.
revoke-again = Você pode autorizá-lo de novo mais tarde entrando nele.
revoke-nothing = Nada para revogar.
cancel = Cancelar

## Error pages
error-status = Erro { $status }
error-request-id = ID da solicitação
error-home = Ir para a página inicial
not-found-title = Página não encontrada
not-found-message = Não há nada neste endereço.
link-incomplete-title = Este link está incompleto
link-incomplete-message = Uma página de consentimento precisa do login_id e do login_state que o servidor de autorização adiciona. Volte ao aplicativo e entre novamente.
link-invalid-title = Este link não é válido
link-invalid-message = Os parâmetros dele estão malformados. Volte ao aplicativo e entre novamente.
flow-expired-title = Este pedido de login expirou
flow-expired-message = Ele pode ter expirado, já ter sido concluído, ou o link está incompleto. Volte ao aplicativo e entre novamente.
answered-title = Este pedido já foi respondido
answered-message = Sua decisão foi registrada. Volte ao aplicativo para continuar.
refused-title = Este pedido não é válido
refused-message = O servidor de autorização o recusou. Volte ao aplicativo e entre novamente.
busy-title = Muitas solicitações no momento
busy-message = O servidor de autorização está ocupado. Aguarde um momento e recarregue esta página.
timeout-title = O servidor de autorização não está respondendo
timeout-message = Ele demorou demais para responder. Recarregue esta página em instantes; seu login continua aguardando.
trouble-title = O servidor de autorização está com problemas
trouble-message = O Assent não conseguiu obter uma resposta válida. Recarregue esta página em instantes, ou volte ao aplicativo e tente de novo.
bad-redirect-message = Ele enviou um endereço inesperado para continuar, e o Assent não o seguiu. Volte ao aplicativo e tente de novo.
form-incomplete-title = Este formulário está incompleto
form-incomplete-message = Volte ao aplicativo e entre novamente.
form-choose = Escolha Permitir ou Recusar.
form-forged-title = Não foi possível verificar este formulário
form-forged-message = Ele foi enviado de outro site, ou de uma página aberta em outro navegador. Volte ao aplicativo e entre novamente.
portal-load-failed = Não foi possível carregar seus aplicativos. Recarregue esta página em instantes.
portal-off-title = O portal não está configurado
portal-off-message = Defina PORTAL_CLIENT_ID para ativá-lo.
portal-form-forged-message = Abra o portal novamente e tente a partir dele.
sign-in-unavailable-title = O login não está disponível
sign-in-unavailable-message = Não foi possível contatar o servidor de autorização. Tente de novo em instantes.
sign-in-restart = Abra o portal e entre novamente.
sign-in-unverified-title = Não foi possível verificar este login
sign-in-expired-title = Este login expirou
sign-in-denied-title = Você não entrou
sign-in-failed-title = Falha no login
session-ended-title = Sua sessão terminou
